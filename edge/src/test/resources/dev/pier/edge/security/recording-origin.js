// An origin for SmugglingCorpusTest: Node.js's own HTTP parser (the http module, default options)
// on 127.0.0.1, at the port given as its argument (0 or none: any free port). It prints one JSON
// line for each request its parser took, and one when a connection opens or closes, so the test
// knows what it parsed and when it is done:
//   {"listening": PORT}
//   {"opened": true}
//   {"method": "GET", "target": "/hello", "host": "node.t.test", "ray": "..."}   (the Host and pier-ray headers, or null)
//   {"closed": true}
// Answers: /ws upgrades with a valid 101 (then reads frames, never HTTP), /ws-refused gets 403,
// /ws-h2c, /ws-no-accept and /ws-bad-accept get a 101 that is no valid WebSocket handshake and the
// connection goes back to the HTTP parser (an origin that did not switch), /close gets 200 and a
// close, anything else 200 "ok".
'use strict';
const http = require('http');
const crypto = require('crypto');

const print = (object) => process.stdout.write(JSON.stringify(object) + '\n');
const record = (req) => print({ method: req.method, target: req.url, host: req.headers.host ?? null, ray: req.headers['pier-ray'] ?? null });
const pathOf = (req) => req.url.split('?')[0];
const accept = (key) => crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');

const server = http.createServer((req, res) => {
  record(req);
  req.on('error', () => {});
  req.resume();
  req.on('end', () => {
    const close = pathOf(req) === '/close';
    res.writeHead(200, { 'content-length': 3, ...(close ? { connection: 'close' } : {}) });
    res.end('ok\n');
  });
});

// A connection that goes back to the parser after an upgrade it did not take is announced again: count it once.
const known = new WeakSet();
server.on('connection', (socket) => {
  if (known.has(socket)) {
    return;
  }
  known.add(socket);
  print({ opened: true });
  socket.on('error', () => {});
  socket.on('close', () => print({ closed: true }));
});

server.on('upgrade', (req, socket, head) => {
  record(req);
  const key = req.headers['sec-websocket-key'] ?? '';
  const switching = 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n';
  switch (pathOf(req)) {
    case '/ws':
      socket.write(switching + 'Upgrade: websocket\r\nSec-WebSocket-Accept: ' + accept(key) + '\r\n\r\n');
      socket.on('data', () => {});
      socket.on('end', () => socket.end()); // the server's own half-close handling left with its parser
      return;
    case '/ws-h2c':
      socket.write(switching + 'Upgrade: h2c\r\n\r\n');
      break;
    case '/ws-no-accept':
      socket.write(switching + 'Upgrade: websocket\r\n\r\n');
      break;
    case '/ws-bad-accept':
      socket.write(switching + 'Upgrade: websocket\r\nSec-WebSocket-Accept: ' + accept('AAAAAAAAAAAAAAAAAAAAAA==') + '\r\n\r\n');
      break;
    default:
      socket.write('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
  }
  // Not switched: the connection goes on as HTTP, read by a new parser of the same server.
  if (head.length > 0) {
    socket.unshift(head);
  }
  server.emit('connection', socket);
  socket.resume();
});

server.on('connect', (req, socket) => {
  record(req);
  socket.on('error', () => {});
  socket.end('HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
});

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => print({ listening: server.address().port }));
