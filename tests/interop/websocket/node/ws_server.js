// npm `ws` as a WebSocket server on 127.0.0.1, port chosen by the system, reporting to
// test_npm_ws.py as JSON lines on stdout. Stops when stdin closes.
//
//   node ws_server.js [--no-deflate]
//
// What a connection gets depends on its path:
//   /echo       every message comes back as it was (text as text, binary as binary);
//   /close1011  closed at once with 1011;
//   /badutf8    a text frame whose payload is not UTF-8 (RFC 6455 §8.1), then echo;
//   /late       "late" after 1.5 s, then echo.
// Events: listening {port}; connection {id, url, path, headers, protocol, extensions};
// message {id, binary, length, sha256, data_b64 (up to 64 KiB)}; close {id, code, reason}.
'use strict';

const crypto = require('crypto');
const WebSocket = require('ws');

const deflate = !process.argv.includes('--no-deflate');

function emit(event, fields) {
  process.stdout.write(JSON.stringify(Object.assign({ event }, fields)) + '\n');
}

const server = new WebSocket.WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: deflate,
  maxPayload: 64 * 1024 * 1024,
  // The first offered subprotocol we know, like our server does.
  handleProtocols: (offered) => [...offered].find((p) => p === 'chat' || p === 'echo') || false
});

let nextId = 1;
server.on('connection', (ws, req) => {
  const id = nextId++;
  const path = req.url.split('?')[0];
  emit('connection', { id, url: req.url, path, headers: req.headers, protocol: ws.protocol,
                       extensions: ws.extensions });
  ws.on('message', (data, isBinary) => {
    emit('message', {
      id,
      binary: isBinary,
      length: data.length,
      sha256: crypto.createHash('sha256').update(data).digest('hex'),
      data_b64: data.length <= 65536 ? data.toString('base64') : null
    });
    if (ws.readyState === WebSocket.OPEN) ws.send(data, { binary: isBinary });
  });
  ws.on('close', (code, reason) => emit('close', { id, code, reason: reason.toString() }));
  ws.on('error', (err) => emit('error', { id, message: String(err && err.message) }));
  if (path === '/close1011') ws.close(1011, 'peer says no');
  else if (path === '/badutf8') ws.send(Buffer.from([0x6f, 0x6b, 0x20, 0xc3, 0x28]), { binary: false });
  else if (path === '/late') setTimeout(() => ws.send('late'), 1500);
});
server.on('listening', () => emit('listening', { port: server.address().port }));

process.stdin.resume();
process.stdin.on('end', () => {
  for (const c of server.clients) c.terminate();
  server.close(() => process.exit(0));
});
