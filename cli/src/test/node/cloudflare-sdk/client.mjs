// Cloudflare's own client library against Pier: only the base URL differs from talking to
// Cloudflare (CLOUDFLARE_BASE_URL and CLOUDFLARE_API_TOKEN are the library's own variables).
// PIER_ACCOUNT_ID is Pier's one account id, which CloudflareClientLibraryTest passes on.
// `node client.mjs <step> [zone name]` runs one step and prints what it saw as one JSON object;
// CloudflareClientLibraryTest checks it, and checks the edge in between steps.
import Cloudflare from 'cloudflare';

const client = new Cloudflare({ maxRetries: 0, timeout: 10_000 });
const account_id = process.env.PIER_ACCOUNT_ID;
const [step, zoneName] = process.argv.slice(2);

async function all(pages) {
  const out = [];
  for await (const item of pages) out.push(item);
  return out;
}

async function failure(call) {
  try {
    await call();
    return { unexpected: 'success' };
  } catch (e) {
    return { type: e.constructor.name, status: e.status, errors: e.errors };
  }
}

async function zoneId() {
  const [zone] = await all(client.zones.list({ name: zoneName }));
  return zone.id;
}

const steps = {
  // find the zone, check the token, turn WebSockets off
  async websocketsOff() {
    const zones = await all(client.zones.list({ name: zoneName }));
    const zone_id = zones[0].id;
    return {
      zones: zones.map(z => z.name),
      zone: (await client.zones.get({ zone_id })).name,
      token: (await client.user.tokens.verify()).status,
      before: await client.zones.settings.get('websockets', { zone_id }),
      after: await client.zones.settings.edit('websockets', { zone_id, value: 'off' }),
    };
  },

  async websocketsOn() {
    return { after: await client.zones.settings.edit('websockets', { zone_id: await zoneId(), value: 'on' }) };
  },

  // DNS records, a custom rule on an IP list, and the audit log they leave behind
  async configure() {
    const zone_id = await zoneId();
    const created = await client.dns.records.create({ zone_id, type: 'A', name: 'sdk.' + zoneName, content: '192.0.2.7', proxied: true, ttl: 1 });
    const edited = await client.dns.records.edit(created.id, { zone_id, type: 'A', name: 'sdk.' + zoneName, content: '192.0.2.8' });
    const names = (await all(client.dns.records.list({ zone_id, per_page: 5 }))).map(r => r.name);
    const deleted = await client.dns.records.delete(created.id, { zone_id });

    const list = await client.rules.lists.create({ account_id, kind: 'ip', name: 'sdk_blocked', description: 'from the SDK' });
    const operation = await client.rules.lists.items.create(list.id, { account_id, body: [{ ip: '127.0.0.0/8', comment: 'loopback' }] });
    const status = await client.rules.lists.bulkOperations.get(operation.operation_id, { account_id });
    const items = (await all(client.rules.lists.items.list(list.id, { account_id }))).map(i => i.ip);

    const ruleset = await client.rulesets.phases.update('http_request_firewall_custom', {
      zone_id,
      rules: [{ expression: 'ip.src in $sdk_blocked and http.request.uri.path eq "/sdk"', action: 'block', description: 'from the SDK' }],
    });
    const phases = (await all(client.rulesets.list({ zone_id }))).map(r => r.phase);
    const audit = await all(client.auditLogs.list({ account_id, per_page: 2 }));
    return {
      dns: { created: created.content, edited: edited.content, names, deleted: deleted.id === created.id },
      list: { name: list.name, operation: status.status, items },
      ruleset: { phase: ruleset.phase, version: ruleset.version, rules: ruleset.rules.map(r => r.description) },
      phases,
      audit: audit.length,
    };
  },

  // a zone from creation to deletion, with a ruleset made and edited rule by rule
  async zoneLifecycle() {
    const zone = await client.zones.create({ account: { id: account_id }, name: 'sdk.example', type: 'full' });
    const zone_id = zone.id;
    const tls = await client.zones.settings.edit('min_tls_version', { zone_id, value: '1.3' });
    const record = await client.dns.records.create({ zone_id, type: 'CNAME', name: 'www.sdk.example', content: 'origin.example.net', proxied: true });
    const replaced = await client.dns.records.update(record.id, { zone_id, type: 'CNAME', name: 'www.sdk.example', content: 'o2.example.net', proxied: false });
    const limit = { characteristics: ['cf.colo.id', 'ip.src'], period: 10, requests_per_period: 5 };
    const ruleset = await client.rulesets.create({ zone_id, kind: 'zone', name: 'limits', phase: 'http_ratelimit',
      rules: [{ expression: 'true', action: 'block', ratelimit: { ...limit, period: 60, requests_per_period: 100 } }] });
    const added = await client.rulesets.rules.create(ruleset.id, { zone_id, expression: 'http.request.uri.path eq "/x"', action: 'block', ratelimit: limit });
    const ruleId = added.rules[1].id;
    const edited = await client.rulesets.rules.edit(ruleId, { ruleset_id: ruleset.id, zone_id, expression: 'http.request.uri.path eq "/y"', action: 'block', ratelimit: limit });
    const removed = await client.rulesets.rules.delete(ruleId, { ruleset_id: ruleset.id, zone_id });
    const read = await client.rulesets.get(ruleset.id, { zone_id });
    await client.rulesets.delete(ruleset.id, { zone_id });
    const deleted = await client.zones.delete({ zone_id });
    const left = await all(client.zones.list({ name: 'sdk.example' }));
    return {
      zone: zone.name, tls: tls.value,
      record: { content: replaced.content, proxied: replaced.proxied },
      versions: [ruleset.version, added.version, edited.version, removed.version],
      edited: edited.rules[1].expression, rulesAfter: read.rules.length,
      deleted: deleted.id === zone_id, left: left.length,
    };
  },

  // an edge certificate of a new zone example.com (the PEM_* come from the test): uploaded,
  // renewed in place, read and deleted
  async certificates() {
    const zone_id = (await client.zones.create({ account: { id: account_id }, name: 'example.com' })).id;
    const created = await client.customCertificates.create({ zone_id, certificate: process.env.PEM_CERTIFICATE,
      private_key: process.env.PEM_KEY, bundle_method: 'ubiquitous' });
    const listed = await all(client.customCertificates.list({ zone_id }));
    const renewed = await client.customCertificates.edit(created.id, { zone_id, certificate: process.env.PEM_RENEWED_CERTIFICATE,
      private_key: process.env.PEM_RENEWED_KEY });
    const read = await client.customCertificates.get(created.id, { zone_id });
    const mismatched = await failure(() => client.customCertificates.create({ zone_id, certificate: process.env.PEM_CERTIFICATE,
      private_key: process.env.PEM_OTHER_KEY }));
    const deleted = await client.customCertificates.delete(created.id, { zone_id });
    await client.zones.delete({ zone_id });
    return { hosts: created.hosts, renewedHosts: renewed.hosts, status: read.status, expires: read.expires_on, listed: listed.map(c => c.id),
      deleted: deleted.id === created.id, mismatched, text: JSON.stringify([created, listed, renewed, read]) };
  },

  // URL normalization turned off (a bad scope refused), then a rule on /admin
  async urlNormalizationOff() {
    const zone_id = await zoneId();
    const before = await client.urlNormalization.get({ zone_id });
    const after = await client.urlNormalization.update({ zone_id, type: 'cloudflare', scope: 'none' });
    // after the setting: an edge that applies the rule has applied the setting too
    await client.rulesets.phases.update('http_request_firewall_custom', {
      zone_id, rules: [{ expression: 'http.request.uri.path eq "/admin"', action: 'block', description: 'no admin' }],
    });
    const refused = await failure(() => client.urlNormalization.update({ zone_id, type: 'cloudflare', scope: 'outgoing' }));
    return { before, after, refused, read: await client.urlNormalization.get({ zone_id }) };
  },

  // URL normalization back to Cloudflare's default
  async urlNormalizationReset() {
    const zone_id = await zoneId();
    await client.urlNormalization.delete({ zone_id });
    return { after: await client.urlNormalization.get({ zone_id }) };
  },

  // Cloudflare's errors arrive as the library's own error classes
  async errors() {
    const zone_id = await zoneId();
    const stranger = new Cloudflare({ apiToken: 'x'.repeat(40), maxRetries: 0 });
    return {
      badValue: await failure(() => client.zones.settings.edit('websockets', { zone_id, value: 'maybe' })),
      unknownSetting: await failure(() => client.zones.settings.edit('websocket', { zone_id, value: 'on' })),
      badRule: await failure(() => client.rulesets.phases.update('http_request_firewall_custom', {
        zone_id, rules: [{ expression: 'http.request.uri.paht eq "/"', action: 'block' }] })),
      wrongToken: await failure(() => stranger.zones.get({ zone_id })),
      noZone: await failure(() => client.zones.get({ zone_id: '0'.repeat(32) })),
    };
  },
};

if (!steps[step]) {
  console.error(`usage: node client.mjs <${Object.keys(steps).join('|')}> <zone name>`);
  process.exit(2);
}
console.log(JSON.stringify(await steps[step]()));
