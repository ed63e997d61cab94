// Pier's dashboard: a zone's live logs (Instant Logs). Loaded before app.js, whose api() and esc() it uses.
"use strict";
let liveLogSocket = null;

function stopLiveLogs() {
  if (liveLogSocket) { liveLogSocket.onclose = null; liveLogSocket.close(); liveLogSocket = null; }
}
window.addEventListener("hashchange", stopLiveLogs);

async function logs(z, page) {
  stopLiveLogs();
  page.innerHTML = `<section class="card"><h3>Live logs</h3>
    <p class="explain">Records of requests to this zone as this node finishes them. A filter is Cloudflare's JSON filter, or
      <code>KEY OPERATOR VALUE</code> joined by <code>and</code>, e.g. <code>EdgeResponseStatus eq 404 and ClientRequestPath startsWith /api</code>.</p>
    <label class="row">Filter <input id="logs-filter" size="60" autocomplete="off"></label>
    <button id="logs-start">Start</button> <button id="logs-pause" disabled>Pause</button> <button id="logs-clear">Clear</button>
    <span id="logs-state" class="explain"></span> <span id="logs-error" class="error"></span>
    <table id="logs"><tr><th>Time</th><th>Status</th><th>Method</th><th>Host</th><th>Path</th><th>Client</th></tr></table></section>`;
  const table = document.getElementById("logs");
  const state = document.getElementById("logs-state");
  const pauseButton = document.getElementById("logs-pause");
  let paused = false;
  pauseButton.onclick = () => { paused = !paused; pauseButton.textContent = paused ? "Resume" : "Pause"; };
  document.getElementById("logs-clear").onclick = () => { table.querySelectorAll("tr.record").forEach(r => r.remove()); };
  document.getElementById("logs-start").onclick = async () => {
    document.getElementById("logs-error").textContent = "";
    let filter;
    try { filter = liveLogFilter(document.getElementById("logs-filter").value); }
    catch (e) { document.getElementById("logs-error").textContent = e.message; return; }
    let job;
    try {
      job = (await api("POST", `/zones/${z.id}/logpush/edge/jobs`, { kind: "instant-logs", sample: 1, filter,
        fields: "EdgeStartTimestamp,EdgeResponseStatus,ClientRequestMethod,ClientRequestHost,ClientRequestPath,ClientIP" })).result;
    } catch (e) { document.getElementById("logs-error").textContent = e.message; return; }
    stopLiveLogs();
    const socket = new WebSocket(job.destination_conf);
    liveLogSocket = socket;
    pauseButton.disabled = false;
    socket.onopen = () => { state.textContent = "Streaming"; };
    socket.onclose = e => { state.textContent = "Ended: " + (e.reason || e.code); pauseButton.disabled = true; };
    socket.onmessage = e => {
      if (paused) return;
      for (const line of String(e.data).split("\n")) {
        if (!line.trim()) continue;
        const r = JSON.parse(line);
        const row = document.createElement("tr");
        row.className = "record";
        row.innerHTML = r.dropped !== undefined ? `<td colspan="6" class="explain">${esc(r.message)}</td>`
          : `<td>${esc(r.EdgeStartTimestamp)}</td><td>${esc(r.EdgeResponseStatus)}</td><td>${esc(r.ClientRequestMethod)}</td>
             <td>${esc(r.ClientRequestHost)}</td><td>${esc(r.ClientRequestPath)}</td><td>${esc(r.ClientIP)}</td>`;
        table.querySelector("tr").after(row);  // newest first, below the header
      }
      const rows = table.querySelectorAll("tr.record");
      for (let i = 500; i < rows.length; i++) rows[i].remove();  // the page keeps the latest 500
    };
  };
}

// The short form KEY OPERATOR VALUE [and ...], or JSON as it is; "" for none.
function liveLogFilter(text) {
  text = text.trim();
  if (!text || text.startsWith("{")) return text;
  const words = text.match(/"[^"]*"|\S+/g).map(w => w.startsWith('"') ? w.slice(1, -1) : w);
  const and = [];
  for (let i = 0; i < words.length; i += 4) {
    if (i + 3 > words.length || (i + 3 < words.length && words[i + 3] !== "and")) {
      throw new Error("filter: " + text + " (expected: KEY OPERATOR VALUE, joined by 'and')");
    }
    const v = words[i + 2];
    and.push({ key: words[i], operator: words[i + 1], value: /^-?\d+$/.test(v) ? Number(v) : v });
  }
  return JSON.stringify({ where: { and } });
}
