// Handshake churn for a fixed count: CONC workers each loop (open a WebSocket, send one message,
// await its echo, close) until COUNT handshakes are done; prints them per second. Unlike the
// harness's time-bound churn.js, a fixed count lets a run divide syscalls or allocated bytes by
// handshakes. usage: node churn-count.js URL COUNT [CONC]  (run where the harness installed `ws`)
const WebSocket = require('ws');
const [url, count, conc = 20] = process.argv.slice(2).map((v, i) => (i ? +v : v));
let started = 0, done = 0, errs = 0;
const t0 = process.hrtime.bigint();
function one() {
  if (started >= count) return;
  started++;
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.on('open', () => ws.send('hi'));
  ws.on('message', () => ws.close());
  ws.on('error', () => { errs++; });
  ws.on('close', () => {
    if (++done === count) {
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      console.log(JSON.stringify({ url, count, conc, handshakes_per_s: Math.round(count / secs), errs }));
    } else setImmediate(one);
  });
}
for (let i = 0; i < conc; i++) one();
