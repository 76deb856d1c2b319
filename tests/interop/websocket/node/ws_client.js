// npm `ws` as a WebSocket client, driven by test_npm_ws.py over JSON lines.
//
//   node ws_client.js URL [--no-deflate] [--protocol P]... [--ca FILE]
//
// stdin, one command per line:
//   {"send": "text"}                      a text message
//   {"send_b64": "...", "binary": true}   bytes, as a binary (or, binary false, text) message
//   {"fragments_b64": [...], "binary": b} one message, one frame per fragment (fin on the last)
//   {"repeat": "unit", "count": n, "binary": b}  unit repeated n times, as one message
//   {"ping": "payload"}
//   {"close": code, "reason": "..."}
//   {"raw_b64": "..."}                    bytes written to the socket as they are
// stdout, one event per line: open {protocol, extensions}, message {binary, length, sha256,
// data_b64 (up to 64 KiB)}, pong {data}, close {code, reason}, error {message},
// refused {status}.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const readline = require('readline');
const WebSocket = require('ws');

const args = process.argv.slice(2);
const url = args.shift();
const protocols = [];
const options = { perMessageDeflate: true, maxPayload: 64 * 1024 * 1024 };
while (args.length) {
  const a = args.shift();
  if (a === '--no-deflate') options.perMessageDeflate = false;
  else if (a === '--protocol') protocols.push(args.shift());
  else if (a === '--ca') options.ca = fs.readFileSync(args.shift());
  else throw new Error('unknown option ' + a);
}

function emit(event, fields) {
  process.stdout.write(JSON.stringify(Object.assign({ event }, fields)) + '\n');
}

function describe(data, isBinary) {
  const buf = Buffer.isBuffer(data) ? data : Buffer.concat(data);
  return {
    binary: isBinary,
    length: buf.length,
    sha256: crypto.createHash('sha256').update(buf).digest('hex'),
    data_b64: buf.length <= 65536 ? buf.toString('base64') : null
  };
}

const ws = new WebSocket(url, protocols, options);
ws.on('open', () => emit('open', { protocol: ws.protocol, extensions: ws.extensions }));
ws.on('message', (data, isBinary) => emit('message', describe(data, isBinary)));
ws.on('pong', (data) => emit('pong', { data: data.toString() }));
ws.on('unexpected-response', (req, res) => {
  emit('refused', { status: res.statusCode, headers: res.headers });
  req.destroy();
});
ws.on('error', (err) => emit('error', { message: String(err && err.message) }));
ws.on('close', (code, reason) => {
  emit('close', { code, reason: reason.toString() });
  process.stdin.destroy();
});

function run(cmd) {
  const binary = !!cmd.binary;
  if ('send' in cmd) ws.send(cmd.send);
  else if ('send_b64' in cmd) ws.send(Buffer.from(cmd.send_b64, 'base64'), { binary });
  else if ('fragments_b64' in cmd) {
    const parts = cmd.fragments_b64;
    parts.forEach((p, i) =>
      ws.send(Buffer.from(p, 'base64'), { binary, fin: i === parts.length - 1 }));
  } else if ('repeat' in cmd) ws.send(Buffer.from(cmd.repeat.repeat(cmd.count)), { binary });
  else if ('ping' in cmd) ws.ping(cmd.ping);
  else if ('close' in cmd) ws.close(cmd.close, cmd.reason);
  else if ('raw_b64' in cmd) ws._socket.write(Buffer.from(cmd.raw_b64, 'base64'));
  else emit('error', { message: 'unknown command ' + JSON.stringify(cmd) });
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim()) run(JSON.parse(line));
});
