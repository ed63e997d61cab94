// Pier's dashboard: plain JavaScript over Cloudflare's v4 API on the same listener, no build step.
"use strict";
const API = "/client/v4";
const OWASP = "4814384a9e5d4991b9815dcfc25d2f1f";
const ANOMALY = "6179ae15870a4bb7b2d480d4843b323c";
const main = document.getElementById("main");
const status = document.getElementById("status");

function token() { return sessionStorage.getItem("pier-token"); }

async function api(method, path, body) {
  const response = await fetch(API + path, {
    method,
    headers: { "Authorization": "Bearer " + token(), "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let json;
  try { json = await response.json(); } catch (e) { json = null; }
  if (!json || !json.success) {
    const e = json && json.errors && json.errors[0] ? json.errors[0] : { message: "request failed (HTTP " + response.status + ")" };
    const error = new Error(e.message + (e.error_chain ? ": " + e.error_chain.map(c => c.message).join("; ") : ""));
    error.status = response.status;  // callers tell "not found" (404) from a failure
    throw error;
  }
  return json;
}

function say(text) {
  status.textContent = text;
  clearTimeout(say.timer);
  say.timer = setTimeout(() => { status.textContent = ""; }, 2500);
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

// ------------------------------------------------------------------ sign in

function signIn() {
  document.getElementById("signout").hidden = true;
  document.getElementById("who").textContent = "";
  main.innerHTML = `
    <section class="card"><h3>Sign in</h3>
      <p class="explain">Use an API token (the demo prints one as <code>API token: …</code>).</p>
      <label class="row">API token <input id="token" size="48" autocomplete="off"></label>
      <button id="signin">Sign in</button> <span id="signin-error" class="error"></span>
    </section>`;
  document.getElementById("signin").onclick = async () => {
    sessionStorage.setItem("pier-token", document.getElementById("token").value.trim());
    try {
      await api("GET", "/user/tokens/verify");
      location.hash = "#/";
      route();
    } catch (e) {
      sessionStorage.removeItem("pier-token");
      document.getElementById("signin-error").textContent = e.message;
    }
  };
}

// ------------------------------------------------------------------ zones

async function zones() {
  const list = (await api("GET", "/zones?per_page=50")).result;
  main.innerHTML = `<h2>Zones</h2><section class="card"><table id="zones"><tr><th>Zone</th><th>Status</th><th>Id</th></tr>
    ${list.map(z => `<tr><td><a data-zone="${z.id}" href="#/zone/${z.id}/overview">${esc(z.name)}</a></td>
      <td>${esc(z.status)}</td><td><code>${z.id}</code></td></tr>`).join("")}</table></section>`;
}

const TABS = [["overview", "Overview"], ["analytics", "Analytics"], ["dns", "DNS"], ["network", "Network"], ["security", "Security"], ["ssl", "SSL/TLS"], ["logs", "Logs"]];

// `detail` is the address's part after the tab, for tabs that have one (the Analytics tab's range).
async function zone(id, tab, detail) {
  // The id comes from location.hash, which any link can set: it is a path segment here and text in the page.
  const z = (await api("GET", "/zones/" + encodeURIComponent(id))).result;
  main.innerHTML = `<h2>${esc(z.name)}</h2><nav class="tabs">${TABS.map(([t, label]) =>
    `<a id="tab-${t}" class="${t === tab ? "active" : ""}" href="#/zone/${esc(encodeURIComponent(z.id))}/${t}">${label}</a>`).join("")}</nav><div id="page"></div>`;
  const page = document.getElementById("page");
  await ({ overview, analytics: Analytics.tab, dns, network, security, ssl, logs }[tab] || overview)(z, page, detail);
}

async function settings(z) {
  const out = {};
  (await api("GET", `/zones/${z.id}/settings`)).result.forEach(s => { out[s.id] = s.value; });
  return out;
}

async function patchSetting(z, id, value) {
  try {
    await api("PATCH", `/zones/${z.id}/settings/${id}`, { value });
    say("Saved: " + id + " = " + value);
  } catch (e) { say(e.message); }
}

async function overview(z, page) {
  const s = await settings(z);
  page.innerHTML = `<section class="card"><h3>Overview</h3><table>
    <tr><td>Zone id</td><td><code>${z.id}</code></td></tr><tr><td>Status</td><td>${esc(z.status)}</td></tr>
    <tr><td>Created</td><td>${esc(z.created_on)}</td></tr><tr><td>WebSockets</td><td>${esc(s.websockets)}</td></tr>
    <tr><td>SSL/TLS</td><td>${esc(s.ssl)}, TLS ${esc(s.min_tls_version)}+</td></tr></table></section><div id="glance"></div>`;
  await Analytics.glance(z, document.getElementById("glance"));
}

// ------------------------------------------------------------------ DNS

async function dns(z, page) {
  const records = (await api("GET", `/zones/${z.id}/dns_records`)).result;
  page.innerHTML = `<section class="card"><h3>DNS records</h3><table id="records">
      <tr><th>Type</th><th>Name</th><th>Content</th><th>Proxy</th><th></th></tr>
      ${records.map(r => `<tr><td>${r.type}</td><td>${esc(r.name)}</td><td>${esc(r.content)}</td>
        <td>${r.proxied ? "Proxied" : "DNS only"}</td><td><button data-delete="${esc(r.id)}">Delete</button></td></tr>`).join("")}</table></section>
    <section class="card"><h3>Add record</h3>
      <label class="row">Type <select id="dns-type"><option>A</option><option>AAAA</option><option>CNAME</option></select></label>
      <label class="row">Name <input id="dns-name" placeholder="ws or @"></label>
      <label class="row">Content <input id="dns-content" placeholder="192.0.2.10"></label>
      <label class="row"><input type="checkbox" id="dns-proxied" checked> Proxied</label>
      <button id="dns-add">Save</button> <span id="dns-error" class="error"></span></section>`;
  page.querySelectorAll("[data-delete]").forEach(b => b.onclick = async () => {
    await api("DELETE", `/zones/${z.id}/dns_records/${b.dataset.delete}`);
    say("Deleted"); dns(z, page);
  });
  document.getElementById("dns-add").onclick = async () => {
    try {
      await api("POST", `/zones/${z.id}/dns_records`, { type: document.getElementById("dns-type").value,
        name: document.getElementById("dns-name").value, content: document.getElementById("dns-content").value,
        proxied: document.getElementById("dns-proxied").checked });
      say("Saved"); dns(z, page);
    } catch (e) { document.getElementById("dns-error").textContent = e.message; }
  };
}

// ------------------------------------------------------------------ Network

async function network(z, page) {
  const s = await settings(z);
  page.innerHTML = `<section class="card"><h3>WebSockets</h3>
      <label class="row"><input type="checkbox" id="websockets" ${s.websockets === "on" ? "checked" : ""}> WebSockets</label>
      <p class="explain">Allow WebSockets connections to your origin server. When this is off, upgrade requests get a 403
        and never reach the origin; WebSockets already open are left alone.</p></section>
    <section class="card"><h3>WebSocket limits</h3>
      <label class="row">Idle timeout (seconds) <input id="idle" type="number" min="1" value="${s.websocket_idle_timeout}"></label>
      <label class="row">Concurrent connections (0: no limit) <input id="maxconn" type="number" min="0" value="${s.max_websocket_connections}"></label>
      <button id="limits-save">Save</button></section>`;
  document.getElementById("websockets").onchange = e => patchSetting(z, "websockets", e.target.checked ? "on" : "off");
  document.getElementById("limits-save").onclick = async () => {
    await patchSetting(z, "websocket_idle_timeout", Number(document.getElementById("idle").value));
    await patchSetting(z, "max_websocket_connections", Number(document.getElementById("maxconn").value));
  };
}

// ------------------------------------------------------------------ Security

// A phase's entry point ruleset, or null when the zone has none yet (Cloudflare's 404). Any
// other failure is thrown: taking it for "none" would have the next write replace the rules.
async function entrypoint(z, phase) {
  try {
    return (await api("GET", `/zones/${z.id}/rulesets/phases/${phase}/entrypoint`)).result;
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

// Adds one rule to a phase, read afresh: to its ruleset when there is one, else in a new ruleset
// (POST /rulesets refuses when the phase has one, so rules added meanwhile are never replaced).
async function addRule(z, phase, rule) {
  const current = await entrypoint(z, phase);
  if (current) await api("POST", `/zones/${z.id}/rulesets/${current.id}/rules`, rule);
  else await api("POST", `/zones/${z.id}/rulesets`, { name: "default", kind: "zone", phase, rules: [rule] });
}

// The managed phase's rule the dashboard manages: the one executing Pier's OWASP ruleset.
function owaspRule(ruleset) {
  return ruleset && ruleset.rules.find(r => r.action === "execute" && r.action_parameters && r.action_parameters.id === OWASP);
}

async function security(z, page) {
  const custom = await entrypoint(z, "http_request_firewall_custom");
  const managed = await entrypoint(z, "http_request_firewall_managed");
  const limits = await entrypoint(z, "http_ratelimit");
  const owasp = owaspRule(managed);
  const execute = owasp && owasp.enabled !== false ? owasp : null;
  const overrides = execute && execute.action_parameters.overrides || {};
  const threshold = ((overrides.rules || []).find(r => r.id === ANOMALY) || {}).score_threshold || 40;
  const paranoia = 1 + (overrides.categories || []).filter(c => /^paranoia-level-[234]$/.test(c.category) && c.enabled).length;
  page.innerHTML = `<section class="card"><h3>Custom rules</h3><table id="rules">
      <tr><th>Description</th><th>Expression</th><th>Action</th><th></th></tr>
      ${(custom ? custom.rules : []).map(r => `<tr><td>${esc(r.description || "")}</td><td><code>${esc(r.expression)}</code></td>
        <td>${esc(r.action)}</td><td><button data-rule="${esc(r.id)}">Delete</button></td></tr>`).join("")}</table>
      <h4>Add a rule</h4>
      <label class="row">Description <input id="rule-description"></label>
      <textarea id="rule-expression" placeholder='http.request.uri.path eq "/admin"'></textarea>
      <div id="rule-error" class="error"></div>
      <label class="row">Action <select id="rule-action"><option>block</option><option>log</option><option>managed_challenge</option></select></label>
      <button id="rule-add">Deploy</button></section>
    <section class="card"><h3>Managed rules</h3>
      <label class="row"><input type="checkbox" id="managed" ${execute ? "checked" : ""}> Pier OWASP Core Ruleset</label>
      <label class="row">Paranoia level <select id="paranoia">${[1, 2, 3, 4].map(p => `<option ${p === paranoia ? "selected" : ""}>${p}</option>`).join("")}</select></label>
      <label class="row">Score threshold <select id="threshold">${[[60, "Low (60)"], [40, "Medium (40)"], [25, "High (25)"]].map(([v, l]) =>
        `<option value="${v}" ${v === threshold ? "selected" : ""}>${l}</option>`).join("")}</select></label>
      <button id="managed-save">Save</button> <span id="managed-error" class="error"></span></section>
    <section class="card"><h3>Rate limiting rules</h3><table id="limits"><tr><th>Expression</th><th>Requests</th><th>Period</th></tr>
      ${(limits ? limits.rules : []).map(r => `<tr><td><code>${esc(r.expression)}</code></td><td>${r.ratelimit.requests_per_period}</td>
        <td>${r.ratelimit.period} s</td></tr>`).join("")}</table>
      <label class="row">Expression <input id="limit-expression" size="40" value='http.request.uri.path eq "/ws"'></label>
      <label class="row">Requests <input id="limit-requests" type="number" value="30"></label>
      <label class="row">Period <select id="limit-period">${[10, 60, 120, 300, 600, 3600].map(p => `<option>${p}</option>`).join("")}</select></label>
      <button id="limit-add">Add</button> <span id="limit-error" class="error"></span></section>`;

  const expression = document.getElementById("rule-expression");
  const error = document.getElementById("rule-error");
  let timer;
  expression.oninput = () => {  // parse errors as you type, from the edge's own parser
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!expression.value.trim()) { error.textContent = ""; return; }
      try {
        await api("POST", `/zones/${z.id}/filters/validate-expr`, { expression: expression.value });
        error.innerHTML = '<span class="ok">valid</span>';
      } catch (e) { error.textContent = e.message; }
    }, 150);
  };
  document.getElementById("rule-add").onclick = async () => {
    const rule = { description: document.getElementById("rule-description").value, expression: expression.value,
      action: document.getElementById("rule-action").value };
    try {
      await addRule(z, "http_request_firewall_custom", rule);
      say("Rule deployed"); security(z, page);
    } catch (e) { error.textContent = e.message; }
  };
  page.querySelectorAll("[data-rule]").forEach(b => b.onclick = async () => {
    try {
      await api("DELETE", `/zones/${z.id}/rulesets/${custom.id}/rules/${b.dataset.rule}`);
      say("Rule deleted"); security(z, page);
    } catch (e) { error.textContent = e.message; }
  });
  // Save changes only the OWASP execute rule; other rules of the managed phase (added through
  // the API) are kept.
  document.getElementById("managed-save").onclick = async () => {
    const level = Number(document.getElementById("paranoia").value);
    const rule = { expression: "true", action: "execute", enabled: true, action_parameters: {
      id: OWASP, overrides: { categories: [2, 3, 4].filter(l => l <= level).map(l => ({ category: "paranoia-level-" + l, enabled: true })),
        rules: [{ id: ANOMALY, score_threshold: Number(document.getElementById("threshold").value) }] } } };
    const managedError = document.getElementById("managed-error");
    try {
      const current = await entrypoint(z, "http_request_firewall_managed");
      const existing = owaspRule(current);
      if (document.getElementById("managed").checked) {
        if (existing) await api("PATCH", `/zones/${z.id}/rulesets/${current.id}/rules/${existing.id}`, rule);
        else await addRule(z, "http_request_firewall_managed", rule);
      } else if (existing) {
        await api("DELETE", `/zones/${z.id}/rulesets/${current.id}/rules/${existing.id}`);
      }
      managedError.textContent = "";
      say("Managed rules saved");
    } catch (e) { managedError.textContent = e.message; }
  };
  document.getElementById("limit-add").onclick = async () => {
    const rule = { expression: document.getElementById("limit-expression").value, action: "block",
      ratelimit: { characteristics: ["cf.colo.id", "ip.src"], period: Number(document.getElementById("limit-period").value),
        requests_per_period: Number(document.getElementById("limit-requests").value) } };
    try {
      await addRule(z, "http_ratelimit", rule);
      say("Rate limit added"); security(z, page);
    } catch (e) { document.getElementById("limit-error").textContent = e.message; }
  };
}

// ------------------------------------------------------------------ SSL/TLS

// Cloudflare's security_header setting, in its value's shape: the page edits the whole value.
function hstsCard(h) {
  const box = (id, key, label) => `<label class="row"><input type="checkbox" id="${id}" ${h[key] ? "checked" : ""}> ${label}</label>`;
  return `<section class="card"><h3>HTTP Strict Transport Security (HSTS)</h3>
      ${box("hsts-enabled", "enabled", "Enable HSTS (Strict-Transport-Security)")}
      <label class="row">Max age (seconds) <input id="hsts-max-age" type="number" min="0" value="${Number(h.max_age) || 0}"></label>
      ${box("hsts-subdomains", "include_subdomains", "Apply HSTS policy to subdomains (includeSubDomains)")}
      ${box("hsts-preload", "preload", "Preload")}
      ${box("hsts-nosniff", "nosniff", "No-Sniff header (X-Content-Type-Options: nosniff)")}
      <p class="explain">Added to every response the edge sends over TLS for this zone. Browsers that see it refuse
        plain HTTP to the zone's hosts until max age runs out: turning it off does not undo that.</p>
      <button id="hsts-save">Save</button> <span id="hsts-error" class="error"></span></section>`;
}

function hstsSave(z) {
  const checked = id => document.getElementById(id).checked;
  document.getElementById("hsts-save").onclick = async () => {
    const value = { strict_transport_security: { enabled: checked("hsts-enabled"),
      max_age: Number(document.getElementById("hsts-max-age").value), include_subdomains: checked("hsts-subdomains"),
      preload: checked("hsts-preload"), nosniff: checked("hsts-nosniff") } };
    try {
      await api("PATCH", `/zones/${z.id}/settings/security_header`, { value });
      document.getElementById("hsts-error").textContent = "";
      say("Saved: security_header");
    } catch (e) { document.getElementById("hsts-error").textContent = e.message; }
  };
}

async function ssl(z, page) {
  const s = await settings(z);
  const certificates = (await api("GET", `/zones/${z.id}/custom_certificates?per_page=50`)).result;
  page.innerHTML = `<section class="card"><h3>Edge certificates</h3><table id="certificates">
      <tr><th>Hosts</th><th>Issuer</th><th>Expires</th><th></th></tr>
      ${certificates.map(c => `<tr><td>${c.hosts.map(esc).join(", ")}</td><td>${esc(c.issuer)}</td>
        <td>${esc(c.expires_on.slice(0, 10))}</td><td><button data-certificate="${esc(c.id)}">Delete</button></td></tr>`).join("")}</table>
      <p class="explain">The edge presents a certificate to clients that ask for one of its hosts (SNI); other names get the
        node's default certificate. The private key never leaves the store but for the edge.</p>
      <h4>Upload a certificate</h4>
      <textarea id="certificate-pem" placeholder="-----BEGIN CERTIFICATE----- (the chain, leaf first)"></textarea>
      <textarea id="private-key-pem" placeholder="-----BEGIN PRIVATE KEY-----"></textarea>
      <button id="certificate-add">Upload</button> <span id="certificate-error" class="error"></span></section>
    <section class="card"><h3>SSL/TLS encryption mode</h3>
      <select id="ssl">${["off", "flexible", "full", "strict"].map(m => `<option ${m === s.ssl ? "selected" : ""}>${m}</option>`).join("")}</select>
      <p class="explain">How the edge talks to your origin: off and flexible in plain HTTP, full over TLS without checking the
        certificate, strict over TLS with the certificate checked.</p></section>
    <section class="card"><h3>Minimum TLS version</h3>
      <select id="min-tls">${["1.2", "1.3"].map(v => `<option ${v === s.min_tls_version ? "selected" : ""}>${v}</option>`).join("")}</select></section>
    <section class="card"><h3>Origin CA</h3>
      <textarea id="origin-ca" placeholder="-----BEGIN CERTIFICATE----- (empty: the system's trust store)">${esc(s.origin_ca)}</textarea>
      <p class="explain">In strict mode, the certificates your origins' certificates must chain to.</p>
      <button id="origin-ca-save">Save</button> <span id="origin-ca-error" class="error"></span></section>
    ${hstsCard(s.security_header.strict_transport_security)}`;
  hstsSave(z);
  document.getElementById("ssl").onchange = e => patchSetting(z, "ssl", e.target.value);
  document.getElementById("min-tls").onchange = e => patchSetting(z, "min_tls_version", e.target.value);
  document.getElementById("origin-ca-save").onclick = async () => {
    try {
      await api("PATCH", `/zones/${z.id}/settings/origin_ca`, { value: document.getElementById("origin-ca").value });
      document.getElementById("origin-ca-error").textContent = "";
      say("Saved: origin_ca");
    } catch (e) { document.getElementById("origin-ca-error").textContent = e.message; }
  };
  document.getElementById("certificate-add").onclick = async () => {
    try {
      await api("POST", `/zones/${z.id}/custom_certificates`, { certificate: document.getElementById("certificate-pem").value,
        private_key: document.getElementById("private-key-pem").value });
      say("Certificate uploaded"); ssl(z, page);
    } catch (e) { document.getElementById("certificate-error").textContent = e.message; }
  };
  page.querySelectorAll("[data-certificate]").forEach(b => b.onclick = async () => {
    await api("DELETE", `/zones/${z.id}/custom_certificates/${b.dataset.certificate}`);
    say("Certificate deleted"); ssl(z, page);
  });
}

// ------------------------------------------------------------------ routing

async function route() {
  if (!token()) { signIn(); return; }
  document.getElementById("signout").hidden = false;
  const parts = location.hash.replace(/^#\/?/, "").split("/");
  try {
    if (parts[0] === "zone" && parts[1]) await zone(parts[1], parts[2] || "overview", parts[3]);
    else await zones();
  } catch (e) {
    if (/Authentication error/.test(e.message)) { sessionStorage.removeItem("pier-token"); signIn(); }
    else main.innerHTML = `<p class="error">${esc(e.message)}</p>`;
  }
}

document.getElementById("signout").onclick = () => { sessionStorage.removeItem("pier-token"); location.hash = "#/"; signIn(); };
window.addEventListener("hashchange", route);
route();
