// Cold starts of a Workers runtime serving the reference endpoints of workers-js/echo.js (workerd's echo.js).
// usage: node workers-cold.js NAME HTTP_BASE DEPLOY_COMMAND DEPLOYS OBJECTS [WARM]
//   warm:   first, untimed, WARM GETs of /worker and WARM/4 upgrades of /do/warm with an echo each (default 0):
//           the runtime's own code is then warm, and what is timed is the new script version and new objects
//   script: DEPLOYS times, run DEPLOY_COMMAND (it returns once the new code is deployed), then time the first
//           requests to /worker, each on a new connection (a plain GET: the script answers 426 itself);
//           request 1 is the first after the deploy, requests 2..4 may land on other threads (new contexts)
//   object: OBJECTS times, time a WebSocket upgrade to /do/<a new name> (the first event of a new id:
//           the object is constructed) and one to /do/warm (an object that is live), and one echo on each
// prints one JSON line: p50/p99/max in ms of each figure
const http = require('http');
const { execSync } = require('child_process');
const WebSocket = require('ws');
const [name, base, deploy, deploys = 20, objects = 200, warmups = 0] = process.argv.slice(2).map((v, i) => i > 2 ? +v : v);
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

function get(path) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(base + path, { agent: false, headers: { connection: 'close' } }, (res) => {
      res.resume(); res.on('end', () => res.statusCode === 426 ? resolve(ms(t0)) : reject(new Error(`${path}: ${res.statusCode}`)));
    });
    req.on('error', reject); req.end();
  });
}

function upgrade(path) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const ws = new WebSocket(base.replace(/^http/, 'ws') + path, { perMessageDeflate: false });
    let open;
    // a clean close (1000): the object's webSocketClose echoes it, where a 1006 would make close() throw
    ws.on('open', () => { open = ms(t0); const t1 = process.hrtime.bigint(); ws.send('x'.repeat(64)); ws.once('message', () => { const echo = ms(t1); ws.close(1000); resolve([open, echo]); }); });
    ws.on('error', reject);
    ws.on('close', (code) => reject(new Error(`${path}: closed with ${code} before its echo`)));
  });
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b); const q = (p) => +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2);
  return { n: s.length, p50: q(0.5), p99: q(0.99), max: +s[s.length - 1].toFixed(2) };
}

(async () => {
  const out = { runtime: name, warm_up_requests: warmups };
  execSync(deploy, { stdio: 'inherit' }); // an untimed first deploy (workerd: its first process)
  for (let i = 0; i < warmups; i++) await get('/worker');
  for (let i = 0; i < warmups / 4; i++) await upgrade('/do/warm');
  const first = [[], [], [], []], warm = [];
  for (let i = 0; i < deploys; i++) {
    execSync(deploy, { stdio: 'inherit' });
    for (let k = 0; k < 4; k++) first[k].push(await get('/worker'));
    warm.push(await get('/worker'));
  }
  if (deploys > 0) first.forEach((xs, k) => out[`script_request_${k + 1}_after_deploy`] = stats(xs));
  if (deploys > 0) out.script_request_5_after_deploy = stats(warm);
  const cold = [], coldEcho = [], hot = [], hotEcho = [];
  await upgrade('/do/warm');
  const run = Date.now().toString(36);
  for (let i = 0; i < objects; i++) {
    const [o, e] = await upgrade(`/do/cold-${run}-${i}`); cold.push(o); coldEcho.push(e);
    const [o2, e2] = await upgrade('/do/warm'); hot.push(o2); hotEcho.push(e2);
  }
  if (objects > 0) Object.assign(out, { object_new_id_upgrade: stats(cold), object_new_id_first_echo: stats(coldEcho),
    object_live_upgrade: stats(hot), object_live_echo: stats(hotEcho) });
  console.log(JSON.stringify(out));
  process.exit(0);
})().catch((e) => { console.log(JSON.stringify({ runtime: name, error: String(e) })); process.exit(1); });
