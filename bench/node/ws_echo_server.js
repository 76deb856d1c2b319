// The npm `ws` echo server that bench/websocket.sh compares l7's /ws/echo with: every message
// goes back as it came, text as text and binary as binary. permessage-deflate is off unless
// --deflate is given (ws_load does not offer it, so it would not be negotiated anyway).
// Usage: node ws_echo_server.js [--port N] [--host ADDR] [--path /ws/echo] [--deflate]
// Prints "listening PORT" once it accepts connections (port 0 picks a free one).
// `ws` comes from tests/interop/websocket/node/node_modules (npm install there), or NODE_PATH.
'use strict';
const path = require('path');

function loadWs() {
  const local = path.join(__dirname, '..', '..', 'tests', 'interop', 'websocket', 'node',
                          'node_modules', 'ws');
  try {
    return require(local);
  } catch (e) {
    return require('ws');
  }
}

function parseArgs(argv) {
  const opt = { port: 0, host: '127.0.0.1', path: undefined, deflate: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--deflate') opt.deflate = true;
    else if (a === '--port') opt.port = Number(argv[++i]);
    else if (a === '--host') opt.host = argv[++i];
    else if (a === '--path') opt.path = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  return opt;
}

const opt = parseArgs(process.argv.slice(2));
const { WebSocketServer } = loadWs();
const server = new WebSocketServer({
  host: opt.host,
  port: opt.port,
  path: opt.path,
  perMessageDeflate: opt.deflate,
});
server.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => ws.terminate());
});
server.on('listening', () => console.log(`listening ${server.address().port}`));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
