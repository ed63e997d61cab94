// Echo load for a fixed count: CONNS connections with WIN messages of SIZE bytes in flight on each,
// until COUNT echoes came back. It touches the file MARK (when set) once every connection is open
// and the counted phase starts, so a caller can read the proxy's CPU time over that phase only.
// usage: node echo-count.js URL COUNT [CONNS] [SIZE] [WIN]  (NODE_PATH names the harness's node_modules)
const fs = require('fs');
const WebSocket = require('ws');
const [url, count, conns = 50, size = 64, win = 8] = process.argv.slice(2).map((v, i) => (i ? +v : v));
const payload = Buffer.alloc(size, 120);
const sockets = [];
let sent = 0, done = 0, opened = 0, t0;
function send(ws) { if (sent < count) { sent++; ws.send(payload); } }
for (let c = 0; c < conns; c++) {
  const ws = new WebSocket(url, { perMessageDeflate: false, rejectUnauthorized: false });
  ws.on('open', () => { sockets.push(ws); if (++opened === conns) setTimeout(start, 300); });
  ws.on('message', () => { if (++done === count) finish(); else send(ws); });
  ws.on('error', (e) => { console.error(url, e.message); process.exit(1); });
}
function start() {
  if (process.env.MARK) fs.writeFileSync(process.env.MARK, 'counting');
  t0 = process.hrtime.bigint();
  for (const ws of sockets) for (let i = 0; i < win; i++) send(ws);
}
function finish() {
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ url, count, msgs_per_s: Math.round(count / secs) }));
  for (const ws of sockets) ws.terminate();
  process.exit(0);
}
