// Holds N WebSockets to one URL (spread over local source addresses) and answers commands on stdin:
//   echo  - sends one message on every socket and waits for every echo; prints how many came back and how long it took
//   state - prints how many sockets are open and how many were closed (with their close codes)
// usage: node hibernation.js URL N
const WebSocket = require('ws');
const readline = require('readline');
const [url, n = 10000] = process.argv.slice(2).map((v, i) => (i ? +v : v));
const socks = [];
const closes = {};
let failed = 0, i = 0;
function open() {
  const batch = Math.min(200, n - i);
  if (batch <= 0) return;
  let pending = batch;
  for (let k = 0; k < batch; k++, i++) {
    const ws = new WebSocket(url, { perMessageDeflate: false, localAddress: '127.0.0.' + (2 + (i % 200)) });
    ws.on('open', () => { socks.push(ws); if (--pending === 0) open(); });
    ws.on('error', () => { failed++; if (--pending === 0) open(); });
    ws.on('close', code => { closes[code] = (closes[code] || 0) + 1; });
  }
}
open();
const ready = setInterval(() => {
  if (socks.length + failed >= n) {
    clearInterval(ready);
    console.log(JSON.stringify({ opened: socks.length, failed }));
  }
}, 100);
function echo() {
  const t0 = process.hrtime.bigint();
  let back = 0;
  const done = () => console.log(JSON.stringify({ sent: socks.length, echoed: back, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
  const timer = setTimeout(done, 30000);
  socks.forEach((ws, k) => {
    ws.once('message', data => { if (String(data) === 'm' + k && ++back === socks.length) { clearTimeout(timer); done(); } });
    ws.send('m' + k);
  });
}
readline.createInterface({ input: process.stdin }).on('line', line => {
  if (line === 'echo') echo();
  if (line === 'state') console.log(JSON.stringify({ open: socks.filter(ws => ws.readyState === WebSocket.OPEN).length, closes }));
  if (line === 'quit') process.exit(0);
});
