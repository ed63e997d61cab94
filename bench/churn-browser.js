// Connection churn with what a browser sends: like ../shared/bench/churn.js (open, one echo,
// close; CONC at a time) but every upgrade request carries a browser's headers, a session
// cookie and a token of its own, so that a WAF has real inputs to inspect.
// usage: node churn-browser.js URL CONC SECONDS
const WebSocket = require('ws');
const crypto = require('crypto');
const [url, conc = 20, secs = 5] = process.argv.slice(2).map((v, i) => i ? +v : v);
let done = 0, errs = 0, running = true; const lat = []; const t0 = Date.now();
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
function one() {
  if (!running) return;
  const s = process.hrtime.bigint();
  const token = crypto.randomBytes(12).toString('hex');
  const ws = new WebSocket(url + 'socket.io/?EIO=4&transport=websocket&room=lobby&token=' + token, {
    perMessageDeflate: false,
    headers: {
      'User-Agent': UA, 'Origin': 'https://chat.example.com', 'Pragma': 'no-cache', 'Cache-Control': 'no-cache',
      'Accept-Encoding': 'gzip, deflate, br, zstd', 'Accept-Language': 'en-US,en;q=0.9,de;q=0.8',
      'Cookie': '_ga=GA1.1.1731425977.1718030012; session=' + crypto.randomBytes(16).toString('base64url') + '; theme=dark',
    },
  });
  ws.on('open', () => ws.send('hi'));
  ws.on('message', () => { lat.push(Number(process.hrtime.bigint() - s) / 1e6); done++; ws.close(); });
  ws.on('close', () => setImmediate(one));
  ws.on('error', () => { errs++; });
}
for (let i = 0; i < conc; i++) one();
setTimeout(() => { running = false; lat.sort((a, b) => a - b); const el = (Date.now() - t0) / 1000;
  console.log(JSON.stringify({url, conc, handshakes_per_s: Math.round(done / el), p50_ms: +lat[lat.length >> 1].toFixed(2),
    p99_ms: +lat[Math.floor(lat.length * 0.99)].toFixed(2), errs})); process.exit(0); }, secs * 1000);
