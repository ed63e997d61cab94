// Traffic Analytics: a zone's Analytics tab and the Overview's last 24 hours, read from Cloudflare's
// GraphQL Analytics API on the same listener (POST /client/v4/graphql) and drawn with uPlot.
// Loaded before app.js, whose API, token() and esc() it uses once the page runs; it defines one
// global, Analytics, with the tab (Analytics.tab) and the Overview's glance (Analytics.glance).
"use strict";
const Analytics = (() => {

// The ranges of the picker. Up to a day the per-minute node answers, past it the per-hour one, as
// Cloudflare's dashboard picks them; `bucket` is the time dimension the charts group by, `step` its
// width. A range starts on a `step` boundary, or an hour's for days: 30 days and an hour stays
// within the adaptive nodes' widest range (31 days).
const RANGES = [
  { id: "30m", label: "30 minutes", ms: 30 * 60e3, node: "httpRequests1mGroups", time: "datetimeMinute", bucket: "datetimeMinute", step: 60e3 },
  { id: "6h", label: "6 hours", ms: 6 * 3600e3, node: "httpRequests1mGroups", time: "datetimeMinute", bucket: "datetimeMinute", step: 60e3 },
  { id: "24h", label: "24 hours", ms: 24 * 3600e3, node: "httpRequests1mGroups", time: "datetimeMinute", bucket: "datetimeHour", step: 3600e3 },
  { id: "7d", label: "7 days", ms: 7 * 86400e3, node: "httpRequests1hGroups", time: "datetime", bucket: "datetime", step: 3600e3 },
  { id: "30d", label: "30 days", ms: 30 * 86400e3, node: "httpRequests1hGroups", time: "datetime", bucket: "date", step: 86400e3 },
];
// The adaptive nodes' name for each rollup bucket.
const ADAPTIVE_BUCKET = { datetimeMinute: "datetimeMinute", datetimeHour: "datetimeHour", datetime: "datetimeHour", date: "date" };
const OPEN_NOW_REFRESH_MS = 15000;

// An answer's first error as an Error with its extensions' code (analytics_off, bad_input, ...).
async function graphql(query, variables) {
  const response = await fetch(API + "/graphql", {
    method: "POST",
    headers: { "Authorization": "Bearer " + token(), "Content-Type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  let json;
  try { json = await response.json(); } catch (e) { json = null; }
  if (json && json.errors && json.errors.length) {
    const error = new Error(json.errors[0].message);
    error.code = json.errors[0].extensions && json.errors[0].extensions.code;
    throw error;
  }
  if (!json || !json.data) throw new Error("analytics request failed (HTTP " + response.status + ")");
  return json.data;
}

// One node of one zone: `args` and `selection` are GraphQL text, where $start and $end are the
// range's bounds (GraphQL refuses a variable declared and not used: they are declared with a range only).
async function zoneNode(z, node, args, selection, range) {
  const declared = range ? "$zoneTag: string, $start: Time, $end: Time" : "$zoneTag: string";
  const data = await graphql(`query (${declared}) { viewer { zones(filter: {zoneTag: $zoneTag}) {
      ${node}${args ? "(" + args + ")" : ""} { ${selection} } } } }`,
    range ? { zoneTag: z.id, start: range.start, end: range.end } : { zoneTag: z.id });
  return data.viewer.zones[0][node];
}

// The window a range covers now: from its start, aligned to the chart's buckets (an hour's for days), to this second.
function rangeWindow(range) {
  const now = Date.now();
  const align = Math.min(range.step, 3600e3);
  const start = Math.floor((now - range.ms) / align) * align;
  const end = Math.ceil((now + 1) / 1000) * 1000;
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString(), startMs: start, endMs: end };
}

const number = n => Number(n).toLocaleString("en-US");

// Bytes in decimal units, as Cloudflare's dashboard shows bandwidth.
function bytes(n) {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let v = Number(n), i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return (i === 0 ? String(v) : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)) + " " + units[i];
}

// A time dimension's value (2026-12-07T10:01:00Z, or a date) in milliseconds.
const instant = value => Date.parse(value.length === 10 ? value + "T00:00:00Z" : value);

// Every bucket of the window, with zeros where the store has no row (it answers only buckets with traffic).
function series(range, w, rows, pick) {
  const xs = [], ys = [];
  const byTime = new Map(rows.map(r => [instant(r.dimensions[range.bucket] || r.dimensions[ADAPTIVE_BUCKET[range.bucket]]), r]));
  const first = range.bucket === "date" ? Math.floor(w.startMs / 86400e3) * 86400e3 : w.startMs;
  for (let t = first; t < w.endMs; t += range.step) {
    xs.push(t / 1000);
    ys.push(byTime.has(t) ? Number(pick(byTime.get(t))) : 0);
  }
  return [xs, ys];
}

function chart(el, title, xs, lines, format) {
  el.innerHTML = "";
  const plot = new uPlot({
    title, width: Math.max(300, el.clientWidth), height: 200,
    cursor: { drag: { x: false, y: false } },
    scales: { y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] } },
    axes: [{}, { values: (u, ticks) => ticks.map(format), size: 70 }],
    series: [{}].concat(lines.map(l => ({ label: l.label, stroke: l.color, fill: l.color + "22", width: 2, value: (u, v) => v == null ? "–" : format(v) }))),
  }, [xs].concat(lines.map(l => l.values)), el);
  return plot;
}

function offOrError(el, e) {
  el.innerHTML = e.code === "analytics_off"
    ? `<p class="analytics-off">Analytics are off on this node. Turn them on with an <code>analytics:</code> block in the
        configuration (docs/ANALYTICS.md); the figures start with the requests that follow.</p>`
    : `<p class="error">${esc(e.message)}</p>`;
}

function stat(id, label, value, exact) {
  return `<div class="stat" id="${id}"><div class="stat-label">${label}</div>
    <div class="stat-value" data-value="${esc(exact)}">${esc(value)}</div></div>`;
}

// ------------------------------------------------------------------ the Analytics tab

async function tab(z, page, rangeId) {
  const range = RANGES.find(r => r.id === rangeId) || RANGES[2];
  const w = rangeWindow(range);
  page.innerHTML = `<nav class="ranges" id="ranges">Previous ${RANGES.map(r =>
      `<a id="range-${r.id}" class="${r === range ? "active" : ""}" href="#/zone/${esc(encodeURIComponent(z.id))}/analytics/${r.id}">${r.label}</a>`).join("")}</nav>
    <div id="analytics-body"><section class="card"><div class="stats" id="totals">Loading…</div></section>
    <section class="card"><div id="chart-requests" class="chart"></div></section>
    <section class="card"><div id="chart-bandwidth" class="chart"></div></section></div>
    <section class="card"><h3>WebSockets open now</h3><div id="open-now">Loading…</div></section>
    <div class="tops" id="analytics-tops">
      <section class="card"><h3>Top hosts</h3><div id="top-hosts">Loading…</div></section>
      <section class="card"><h3>Top paths</h3><div id="top-paths">Loading…</div></section>
      <section class="card"><h3>Status codes</h3><div id="top-statuses">Loading…</div></section>
      <section class="card"><h3>Security actions</h3><div id="top-actions">Loading…</div></section>
      <section class="card"><h3>WebSocket close codes</h3><div id="top-close-codes">Loading…</div></section>
    </div>`;
  // Looked up in this drawing of the page: when another range or tab replaces it before the answers
  // come, they land in the detached page, never in the new one.
  const $ = id => page.querySelector("#" + id);
  let traffic;
  try {
    traffic = await trafficOver(z, range, w);
  } catch (e) {
    offOrError($("analytics-body"), e);
    $("analytics-tops").remove();
    openNow(z, $("open-now"), null); // it reads the edges: it answers with analytics off too
    return;
  }
  $("totals").innerHTML = stat("total-requests", "Requests", number(traffic.requests), traffic.requests)
    + stat("total-upgrades", "WebSocket upgrades", number(traffic.upgrades), traffic.upgrades)
    + stat("total-bandwidth", "Bandwidth to clients", bytes(traffic.bytes), traffic.bytes)
    + stat("total-threats", "Threats", number(traffic.threats), traffic.threats)
    + stat("total-open", "WebSockets open now", "…", "");
  chart($("chart-requests"), "Requests", traffic.xs, [
    { label: "Requests", color: "#f38020", values: traffic.series.requests },
    { label: "WebSocket upgrades", color: "#2c7be5", values: traffic.series.upgrades },
    { label: "Threats", color: "#b00020", values: traffic.series.threats }], v => number(Math.round(v)));
  chart($("chart-bandwidth"), "Bandwidth to clients", traffic.xs, [
    { label: "Bandwidth", color: "#137333", values: traffic.series.bytes }], bytes);
  openNow(z, $("open-now"), $("total-open"));
  const args = `limit: 10, filter: {datetime_geq: $start, datetime_lt: $end`;
  const top = (el, filter, dimension, head, show) => zoneNode(z, "httpRequestsAdaptiveGroups", `${args}${filter}}, orderBy: [count_DESC]`,
    `count sum { edgeResponseBytes } dimensions { ${dimension} }`, w)
    .then(rows => table(el, [head, "Requests", "Bandwidth"], rows.map(r => [show(r.dimensions[dimension]), number(r.count), bytes(r.sum.edgeResponseBytes)])))
    .catch(e => offOrError(el, e));
  await Promise.all([
    top($("top-hosts"), "", "clientRequestHTTPHost", "Host", v => v),
    top($("top-paths"), "", "clientRequestPath", "Path", v => v),
    top($("top-statuses"), "", "edgeResponseStatus", "Status", v => v),
    top($("top-actions"), `, securityAction_neq: ""`, "securityAction", "Action", v => v),
    zoneNode(z, "webSocketConnectionsAdaptiveGroups", `${args}}, orderBy: [count_DESC]`,
      "count dimensions { connectionCloseCode connectionCloseReason connectionCloseSource }", w)
      .then(rows => table($("top-close-codes"), ["Code", "Reason", "Closed by", "Connections"], rows.map(r =>
        [r.dimensions.connectionCloseCode, r.dimensions.connectionCloseReason, r.dimensions.connectionCloseSource, number(r.count)])))
      .catch(e => offOrError($("top-close-codes"), e)),
  ]);
}

// Totals and per-bucket series of a range: requests, bytes and threats from the rollup node the
// range calls for, upgrades from the adaptive node (the rollups do not tell upgrades apart).
async function trafficOver(z, range, w) {
  const rollupFilter = `filter: {${range.time}_geq: $start, ${range.time}_lt: $end}`;
  const [rollups, upgrades] = await Promise.all([
    zoneNode(z, range.node, `limit: 10000, ${rollupFilter}, orderBy: [${range.bucket}_ASC]`,
      `sum { requests bytes threats } dimensions { ${range.bucket} }`, w),
    zoneNode(z, "httpRequestsAdaptiveGroups",
      `limit: 10000, filter: {datetime_geq: $start, datetime_lt: $end, webSocketUpgrade: true}, orderBy: [${ADAPTIVE_BUCKET[range.bucket]}_ASC]`,
      `count dimensions { ${ADAPTIVE_BUCKET[range.bucket]} }`, w),
  ]);
  const [xs, requests] = series(range, w, rollups, r => r.sum.requests);
  const total = values => values.reduce((a, b) => a + Number(b), 0);
  const out = {
    xs,
    series: { requests, bytes: series(range, w, rollups, r => r.sum.bytes)[1], threats: series(range, w, rollups, r => r.sum.threats)[1],
      upgrades: series(range, w, upgrades, r => r.count)[1] },
  };
  out.requests = total(rollups.map(r => r.sum.requests));
  out.bytes = total(rollups.map(r => r.sum.bytes));
  out.threats = total(rollups.map(r => r.sum.threats));
  out.upgrades = total(upgrades.map(r => r.count));
  return out;
}

function table(el, head, rows) {
  el.innerHTML = rows.length === 0 ? `<p class="explain">None in this range.</p>`
    : `<table><tr>${head.map(h => `<th>${esc(h)}</th>`).join("")}</tr>${rows.map(r =>
      `<tr>${r.map(c => `<td>${esc(c)}</td>`).join("")}</tr>`).join("")}</table>`;
}

// The WebSockets open right now (all nodes), redrawn every 15 seconds while it is on the page.
async function openNow(z, el, stat) {
  try {
    const live = await zoneNode(z, "webSocketConnectionsLive", "limit: 10",
      `count sum { clientMessages originMessages edgeResponseBytes }
       connections { clientIP clientRequestHTTPHost clientRequestPath ageSeconds clientMessages originMessages edgeResponseBytes node }`);
    if (stat) {
      const total = stat.querySelector(".stat-value");
      total.textContent = number(live.count);
      total.dataset.value = live.count;
    }
    el.innerHTML = `<p id="open-now-count">${esc(number(live.count))} open, ${esc(number(Number(live.sum.clientMessages) + Number(live.sum.originMessages)))}
        messages and ${esc(bytes(live.sum.edgeResponseBytes))} to clients so far</p>`;
    if (live.connections.length) {
      table(el.appendChild(document.createElement("div")), ["Client", "Host", "Path", "Open for", "Messages in / out", "To clients", "Node"],
        live.connections.map(c => [c.clientIP, c.clientRequestHTTPHost, c.clientRequestPath, age(c.ageSeconds),
          number(c.clientMessages) + " / " + number(c.originMessages), bytes(c.edgeResponseBytes), c.node]));
    }
  } catch (e) {
    offOrError(el, e);
    if (stat) stat.querySelector(".stat-value").textContent = "–";
    return;
  }
  setTimeout(() => { if (document.body.contains(el)) openNow(z, el, stat); }, OPEN_NOW_REFRESH_MS);
}

function age(seconds) {
  const s = Number(seconds);
  return s < 60 ? s + " s" : s < 3600 ? Math.floor(s / 60) + " min" : Math.floor(s / 3600) + " h " + Math.floor(s % 3600 / 60) + " min";
}

// ------------------------------------------------------------------ the Overview's last 24 hours

async function glance(z, el) {
  const range = RANGES[2];
  const w = rangeWindow(range);
  el.innerHTML = `<section class="card"><h3>Last 24 hours</h3><div class="stats" id="glance-totals">Loading…</div>
    <div id="glance-chart" class="chart"></div>
    <a href="#/zone/${esc(encodeURIComponent(z.id))}/analytics/24h">Analytics →</a></section>`;
  const totals = el.querySelector("#glance-totals");
  try {
    const traffic = await trafficOver(z, range, w);
    totals.innerHTML = stat("glance-requests", "Requests", number(traffic.requests), traffic.requests)
      + stat("glance-upgrades", "WebSocket upgrades", number(traffic.upgrades), traffic.upgrades)
      + stat("glance-bandwidth", "Bandwidth to clients", bytes(traffic.bytes), traffic.bytes)
      + stat("glance-threats", "Threats", number(traffic.threats), traffic.threats);
    const small = el.querySelector("#glance-chart");
    small.innerHTML = "";
    new uPlot({ width: Math.max(300, small.clientWidth), height: 130, legend: { show: false }, cursor: { show: false },
      scales: { y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] } },
      axes: [{}, { values: (u, ticks) => ticks.map(v => number(Math.round(v))), size: 60 }],
      series: [{}, { label: "Requests", stroke: "#f38020", fill: "#f3802022", width: 2 }] }, [traffic.xs, traffic.series.requests], small);
  } catch (e) {
    offOrError(totals, e);
  }
}

return { tab, glance };
})();
