// The benchmark's node reference: the `ws` package (what the original
// prototype's ws-server.js used) as a plain echo, each message sent back with
// its own opcode. No compression, as with ws-server. Usage: node ws_echo.js
// [port]; prints "node ws echo listening on port <port>".
'use strict';
const { WebSocketServer } = require('ws');

const server = new WebSocketServer({
  host: '127.0.0.1',
  port: Number(process.argv[2] || 0),
  perMessageDeflate: false,
  maxPayload: 16 * 1024 * 1024,
  backlog: 4096,
});
server.on('listening', () => {
  console.log(`node ws echo listening on port ${server.address().port}`);
});
server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  socket.on('error', () => socket.terminate());
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
