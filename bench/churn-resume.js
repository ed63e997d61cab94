// Handshake churn with TLS session resumption, as browsers reconnect: CONC workers each loop (open
// a WebSocket offering the last session ticket received, send one message, await its echo, close)
// until COUNT are done; prints handshakes per second and how many resumed.
// usage: node churn-resume.js URL COUNT [CONC]  (NODE_PATH names the harness's node_modules)
const tls = require('tls');
const WebSocket = require('ws');
const [url, count, conc = 20] = process.argv.slice(2).map((v, i) => (i ? +v : v));
let started = 0, done = 0, errs = 0, reused = 0, session;
const t0 = process.hrtime.bigint();
function connect(options) {
  const socket = tls.connect({ ...options, session });
  socket.on('session', (s) => { session = s; });
  socket.on('secureConnect', () => { if (socket.isSessionReused()) reused++; });
  return socket;
}
function one() {
  if (started >= count) return;
  started++;
  const ws = new WebSocket(url, { perMessageDeflate: false, createConnection: connect });
  ws.on('open', () => ws.send('hi'));
  ws.on('message', () => ws.close());
  ws.on('error', () => { errs++; });
  ws.on('close', () => {
    if (++done === count) {
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      console.log(JSON.stringify({ url, count, conc, handshakes_per_s: Math.round(count / secs), reused, errs }));
    } else setImmediate(one);
  });
}
for (let i = 0; i < conc; i++) one();
