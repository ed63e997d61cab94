// URL and URLSearchParams as the WHATWG URL standard has them (GraalJS has neither): special
// schemes (http, https, ws, wss, ftp, file) with their default ports, hosts lower-cased (IDNA to
// ASCII through Java), IPv4 in all its forms and IPv6 serialized canonically, dot segments
// resolved, each component percent-encoded with its own set, relative references against a base.

const SPECIAL = { 'ftp:': 21, 'file:': null, 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };
const isSpecial = (scheme) => Object.prototype.hasOwnProperty.call(SPECIAL, scheme);

const C0 = (c) => c < 0x20 || c > 0x7e;
const FRAGMENT = (c) => C0(c) || c === 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60;
const QUERY = (c) => C0(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3c || c === 0x3e;
const SPECIAL_QUERY = (c) => QUERY(c) || c === 0x27;
const PATH = (c) => QUERY(c) || c === 0x3f || c === 0x60 || c === 0x7b || c === 0x7d;
const USERINFO = (c) => PATH(c) || c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3d || c === 0x40 || (c >= 0x5b && c <= 0x5e) || c === 0x7c;
const FORM = (c) => !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2a || c === 0x2d || c === 0x2e || c === 0x5f);
const HEX = '0123456789ABCDEF';

function encode(text, inSet, spaceAsPlus = false) {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    if (cp < 0x80 && !inSet(cp)) { out += ch; continue; }
    if (spaceAsPlus && cp === 0x20) { out += '+'; continue; }
    for (const b of internal.encoder.encode(ch >= '\ud800' && ch <= '\udfff' ? '\ufffd' : ch)) out += '%' + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

function percentDecodeBytes(text) {
  const bytes = internal.encoder.encode(text);
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x25 && i + 2 < bytes.length + 0 && /^[0-9a-fA-F]{2}$/.test(String.fromCharCode(bytes[i + 1] ?? 0, bytes[i + 2] ?? 0))) {
      out[n++] = parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16);
      i += 2;
    } else {
      out[n++] = b;
    }
  }
  return out.subarray(0, n);
}
const percentDecode = (text) => internal.decoder.decode(percentDecodeBytes(text));

function invalid(input, why) {
  return new TypeError(`Invalid URL: '${input}'${why ? ` (${why})` : ''}`);
}

// Hosts

function parseIPv4Number(part) {
  if (part === '') return NaN;
  let radix = 10;
  if (/^0[xX]/.test(part)) { part = part.slice(2); radix = 16; } else if (part.length > 1 && part[0] === '0') { part = part.slice(1); radix = 8; }
  if (part === '') return 0;
  const digits = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!digits.test(part)) return NaN;
  return parseInt(part, radix);
}

function endsInNumber(host) {
  const parts = host.split('.');
  if (parts[parts.length - 1] === '') { if (parts.length === 1) return false; parts.pop(); }
  const last = parts[parts.length - 1];
  return /^[0-9]+$/.test(last) || !Number.isNaN(parseIPv4Number(last)) && /^0[xX][0-9a-fA-F]*$/.test(last);
}

function parseIPv4(input, host) {
  const parts = host.split('.');
  if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
  if (parts.length > 4) throw invalid(input, 'an IPv4 address of more than 4 parts');
  const numbers = parts.map(parseIPv4Number);
  if (numbers.some(Number.isNaN)) throw invalid(input, 'an IPv4 address with a part that is not a number');
  if (numbers.slice(0, -1).some((x) => x > 255)) throw invalid(input, 'an IPv4 address part over 255');
  const last = numbers[numbers.length - 1];
  if (last >= 256 ** (5 - numbers.length)) throw invalid(input, 'an IPv4 address out of range');
  let ipv4 = last;
  numbers.slice(0, -1).forEach((x, i) => { ipv4 += x * 256 ** (3 - i); });
  return [24, 16, 8, 0].map((s) => Math.floor(ipv4 / 2 ** s) % 256).join('.');
}

function parseIPv6(input, text) {
  const pieces = [0, 0, 0, 0, 0, 0, 0, 0];
  let piece = 0, compress = null, i = 0;
  const c = (k) => text.charCodeAt(k);
  const isHex = (k) => k < text.length && /[0-9a-fA-F]/.test(text[k]);
  const bad = () => invalid(input, 'an invalid IPv6 address');
  if (text[0] === ':') { if (text[1] !== ':') throw bad(); i = 2; compress = ++piece; }
  while (i < text.length) {
    if (piece === 8) throw bad();
    if (text[i] === ':') { if (compress !== null) throw bad(); i++; compress = ++piece; continue; }
    let value = 0, length = 0;
    while (length < 4 && isHex(i)) { value = value * 16 + parseInt(text[i], 16); i++; length++; }
    if (text[i] === '.') {
      if (length === 0 || piece > 6) throw bad();
      i -= length;
      const v4 = text.slice(i).split('.');
      if (v4.length !== 4 || v4.some((p) => !/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255)) throw bad();
      pieces[piece++] = Number(v4[0]) * 256 + Number(v4[1]);
      pieces[piece++] = Number(v4[2]) * 256 + Number(v4[3]);
      i = text.length;
      break;
    }
    if (text[i] === ':') { i++; if (i >= text.length) throw bad(); } else if (i < text.length) throw bad();
    pieces[piece++] = value;
  }
  if (compress !== null) {
    let swaps = piece - compress;
    piece = 7;
    while (piece !== 0 && swaps > 0) { const t = pieces[compress + swaps - 1]; pieces[compress + swaps - 1] = pieces[piece]; pieces[piece] = t; piece--; swaps--; }
  } else if (piece !== 8) throw bad();
  // serialize: the first longest run of two or more zero pieces becomes '::'
  let best = -1, bestLen = 1;
  for (let s = 0; s < 8;) {
    if (pieces[s] !== 0) { s++; continue; }
    let e = s; while (e < 8 && pieces[e] === 0) e++;
    if (e - s > bestLen) { best = s; bestLen = e - s; }
    s = e;
  }
  let out = '';
  for (let k = 0; k < 8; k++) {
    if (k === best) { out += k === 0 ? '::' : ':'; k += bestLen - 1; continue; }
    out += pieces[k].toString(16) + (k < 7 ? ':' : '');
  }
  return `[${out}]`;
}

const FORBIDDEN_HOST = /[\0\t\n\r #/:<>?@[\\\]^|]/;
const FORBIDDEN_DOMAIN = /[\0\t\n\r #/:<>?@[\\\]^|%\u0001-\u001f\u007f]/;

function parseHost(input, text, special) {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw invalid(input, 'an IPv6 address without its closing ]');
    return parseIPv6(input, text.slice(1, -1));
  }
  if (!special) {
    if (FORBIDDEN_HOST.test(text)) throw invalid(input, 'a forbidden character in the host');
    return encode(text, C0);
  }
  const decoded = percentDecode(text);
  let ascii = /^[\x00-\x7f]*$/.test(decoded) ? decoded.toLowerCase() : bridge.domainToAscii(decoded);
  if (ascii === null || ascii === '') throw invalid(input, 'an empty or invalid host');
  if (FORBIDDEN_DOMAIN.test(ascii)) throw invalid(input, 'a forbidden character in the host');
  if (endsInNumber(ascii)) return parseIPv4(input, ascii);
  return ascii;
}

// Paths

const isSingleDot = (s) => s === '.' || s.toLowerCase() === '%2e';
const isDoubleDot = (s) => ['..', '.%2e', '%2e.', '%2e%2e'].includes(s.toLowerCase());
const isWindowsLetter = (s) => /^[a-zA-Z][:|]$/.test(s);

function parsePath(text, special, base, scheme) {
  const segments = base ? base.slice() : [];
  const parts = special ? text.split(/[/\\]/) : text.split('/');
  for (let i = 0; i < parts.length; i++) {
    const seg = parts[i];
    const last = i === parts.length - 1;
    if (isDoubleDot(seg)) {
      if (segments.length > 0 && !(scheme === 'file:' && segments.length === 1 && /^[a-zA-Z]:$/.test(segments[0]))) segments.pop();
      if (last) segments.push('');
    } else if (isSingleDot(seg)) {
      if (last) segments.push('');
    } else {
      let s = seg;
      if (scheme === 'file:' && segments.length === 0 && isWindowsLetter(s)) s = s[0] + ':';
      segments.push(encode(s, PATH));
    }
  }
  return segments;
}

// The parser: a record of the URL's components

function parse(input, base) {
  const original = input;
  input = String(input).replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  const url = { scheme: '', username: '', password: '', host: null, port: null, path: [], opaque: null, query: null, fragment: null };
  let rest = input;
  const hashAt = rest.indexOf('#');
  if (hashAt >= 0) { url.fragment = encode(rest.slice(hashAt + 1), FRAGMENT); rest = rest.slice(0, hashAt); }
  const m = /^([a-zA-Z][a-zA-Z0-9+.\-]*):/.exec(rest);
  if (m) {
    url.scheme = m[1].toLowerCase() + ':';
    rest = rest.slice(m[0].length);
    const special = isSpecial(url.scheme);
    if (url.scheme === 'file:') return parseFile(original, url, rest, base && base.scheme === 'file:' ? base : null);
    if (special) {
      if (base && base.scheme === url.scheme && !/^[/\\]/.test(rest)) return relative(original, url, rest, base);
      return authority(original, url, rest.replace(/^[/\\]*/, ''));
    }
    if (rest.startsWith('//')) return authority(original, url, rest.slice(2));
    return pathAndQuery(original, url, rest);
  }
  if (!base) throw invalid(original, 'a relative URL without a base');
  url.scheme = base.scheme;
  if (base.opaque !== null) {
    if (rest !== '' || url.fragment === null) throw invalid(original, 'a relative URL against a base that cannot have one');
    return { ...base, path: [], fragment: url.fragment };
  }
  if (url.scheme === 'file:') return parseFile(original, url, rest, base);
  return relative(original, url, rest, base);
}

function relative(original, url, rest, base) {
  const special = isSpecial(url.scheme);
  if (/^[/\\]{2}/.test(rest) && (special || rest.startsWith('//'))) return authority(original, url, special ? rest.replace(/^[/\\]*/, '') : rest.slice(2));
  url.username = base.username; url.password = base.password; url.host = base.host; url.port = base.port;
  if (rest.startsWith('/') || (special && rest.startsWith('\\'))) return pathAndQuery(original, url, rest);
  const q = rest.indexOf('?');
  const pathText = q >= 0 ? rest.slice(0, q) : rest;
  if (pathText === '') {
    url.path = base.path.slice();
    url.query = q >= 0 ? encode(rest.slice(q + 1), special ? SPECIAL_QUERY : QUERY) : base.query;
    return url;
  }
  url.path = parsePath(pathText, special, base.path.slice(0, -1), url.scheme);
  url.query = q >= 0 ? encode(rest.slice(q + 1), special ? SPECIAL_QUERY : QUERY) : null;
  return url;
}

function authority(original, url, rest) {
  const special = isSpecial(url.scheme);
  const end = rest.search(special ? /[/\\?]/ : /[/?]/);
  let auth = end >= 0 ? rest.slice(0, end) : rest;
  rest = end >= 0 ? rest.slice(end) : '';
  const at = auth.lastIndexOf('@');
  if (at >= 0) {
    const info = auth.slice(0, at);
    const colon = info.indexOf(':');
    url.username = encode(colon >= 0 ? info.slice(0, colon) : info, USERINFO);
    url.password = colon >= 0 ? encode(info.slice(colon + 1), USERINFO) : '';
    auth = auth.slice(at + 1);
  }
  const portMatch = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(auth);
  const hostText = portMatch ? portMatch[1] : auth;
  if (hostText === '') {
    if (special) throw invalid(original, 'no host');
    if (portMatch && portMatch[2] !== undefined || at >= 0) throw invalid(original, 'a port or credentials without a host');
  }
  url.host = hostText === '' ? '' : parseHost(original, hostText, special);
  if (portMatch && portMatch[2] !== undefined && portMatch[2] !== '') {
    if (!/^[0-9]+$/.test(portMatch[2])) throw invalid(original, `port '${portMatch[2]}' (expected: digits)`);
    const port = Number(portMatch[2]);
    if (port > 65535) throw invalid(original, `port ${port} (expected: 0 to 65535)`);
    url.port = SPECIAL[url.scheme] === port ? null : port;
  }
  return pathAndQuery(original, url, rest);
}

function pathAndQuery(original, url, rest) {
  const special = isSpecial(url.scheme);
  const q = rest.indexOf('?');
  const pathText = q >= 0 ? rest.slice(0, q) : rest;
  if (q >= 0) url.query = encode(rest.slice(q + 1), special ? SPECIAL_QUERY : QUERY);
  if (!special && url.host === null && !pathText.startsWith('/')) {
    url.opaque = encode(pathText, C0);
    url.path = [];
    return url;
  }
  if (pathText === '') { url.path = special ? [''] : []; return url; }
  url.path = parsePath(pathText.replace(special ? /^[/\\]/ : /^\//, ''), special, [], url.scheme);
  return url;
}

function parseFile(original, url, rest, base) {
  url.host = '';
  if (/^[/\\]{2}/.test(rest)) {
    rest = rest.slice(2);
    const end = rest.search(/[/\\?]/);
    const hostText = end >= 0 ? rest.slice(0, end) : rest;
    rest = end >= 0 ? rest.slice(end) : '';
    if (isWindowsLetter(hostText)) rest = '/' + hostText + rest;
    else {
      const host = hostText === '' ? '' : parseHost(original, hostText, true);
      url.host = host === 'localhost' ? '' : host;
    }
    return pathAndQuery(original, url, rest);
  }
  if (base && !/^[/\\]/.test(rest)) {
    url.host = base.host;
    const q = rest.indexOf('?');
    const pathText = q >= 0 ? rest.slice(0, q) : rest;
    if (pathText === '') {
      url.path = base.path.slice();
      url.query = q >= 0 ? encode(rest.slice(q + 1), SPECIAL_QUERY) : base.query;
      return url;
    }
    url.path = parsePath(pathText, true, base.path.slice(0, -1), 'file:');
    url.query = q >= 0 ? encode(rest.slice(q + 1), SPECIAL_QUERY) : null;
    return url;
  }
  return pathAndQuery(original, url, rest);
}

function serializePath(url) {
  if (url.opaque !== null) return url.opaque;
  let out = '';
  if (url.host === null && url.path.length > 1 && url.path[0] === '') out += '/.';
  for (const s of url.path) out += '/' + s;
  return out;
}

function serializeHost(url) {
  return url.host === null ? '' : url.host + (url.port === null ? '' : ':' + url.port);
}

function serialize(url, excludeFragment = false) {
  let out = url.scheme;
  if (url.host !== null) {
    out += '//';
    if (url.username !== '' || url.password !== '') out += url.username + (url.password !== '' ? ':' + url.password : '') + '@';
    out += serializeHost(url);
  }
  out += serializePath(url);
  if (url.query !== null) out += '?' + url.query;
  if (!excludeFragment && url.fragment !== null) out += '#' + url.fragment;
  return out;
}

// URLSearchParams

function parseForm(text) {
  const out = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq >= 0 ? part.slice(0, eq) : part;
    const value = eq >= 0 ? part.slice(eq + 1) : '';
    out.push([percentDecode(name.replace(/\+/g, ' ')), percentDecode(value.replace(/\+/g, ' '))]);
  }
  return out;
}

const toUSV = (s) => String(s).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
const urlOf = Symbol('url');
const listOf = Symbol('list');

class URLSearchParams {
  constructor(init = '') {
    this[listOf] = [];
    this[urlOf] = null;
    if (init instanceof URLSearchParams) {
      this[listOf] = init[listOf].map(([n, v]) => [n, v]);
    } else if (init !== null && typeof init === 'object' && typeof init[Symbol.iterator] === 'function') {
      for (const pair of init) {
        const p = Array.from(pair);
        if (p.length !== 2) throw new TypeError(`URLSearchParams: a pair of ${p.length} (expected: [name, value])`);
        this[listOf].push([toUSV(p[0]), toUSV(p[1])]);
      }
    } else if (init !== null && typeof init === 'object') {
      for (const key of Object.keys(init)) this[listOf].push([toUSV(key), toUSV(init[key])]);
    } else {
      const s = toUSV(init);
      this[listOf] = parseForm(s.startsWith('?') ? s.slice(1) : s);
    }
  }
  #update() {
    const url = this[urlOf];
    if (url) {
      const s = this.toString();
      url.query = s === '' ? null : s;
    }
  }
  get size() { return this[listOf].length; }
  append(name, value) { this[listOf].push([toUSV(name), toUSV(value)]); this.#update(); }
  delete(name, value) {
    const n = toUSV(name);
    this[listOf] = this[listOf].filter(([k, v]) => k !== n || (value !== undefined && v !== toUSV(value)));
    this.#update();
  }
  get(name) { const n = toUSV(name); const e = this[listOf].find(([k]) => k === n); return e ? e[1] : null; }
  getAll(name) { const n = toUSV(name); return this[listOf].filter(([k]) => k === n).map(([, v]) => v); }
  has(name, value) { const n = toUSV(name); return this[listOf].some(([k, v]) => k === n && (value === undefined || v === toUSV(value))); }
  set(name, value) {
    const n = toUSV(name), v = toUSV(value);
    const i = this[listOf].findIndex(([k]) => k === n);
    if (i < 0) this[listOf].push([n, v]);
    else { this[listOf][i] = [n, v]; this[listOf] = this[listOf].filter(([k], j) => k !== n || j === i); }
    this.#update();
  }
  sort() {
    const cmp = (a, b) => { // by UTF-16 code units, stable
      for (let i = 0; i < Math.min(a.length, b.length); i++) { const d = a.charCodeAt(i) - b.charCodeAt(i); if (d) return d; }
      return a.length - b.length;
    };
    this[listOf] = this[listOf].map((e, i) => [e, i]).sort((x, y) => cmp(x[0][0], y[0][0]) || x[1] - y[1]).map(([e]) => e);
    this.#update();
  }
  forEach(callback, thisArg) { for (const [n, v] of this[listOf].slice()) callback.call(thisArg, v, n, this); }
  *entries() { for (let i = 0; i < this[listOf].length; i++) yield this[listOf][i].slice(); }
  *keys() { for (const [n] of this.entries()) yield n; }
  *values() { for (const [, v] of this.entries()) yield v; }
  [Symbol.iterator]() { return this.entries(); }
  toString() { return this[listOf].map(([n, v]) => encode(n, FORM, true) + '=' + encode(v, FORM, true)).join('&'); }
  get [Symbol.toStringTag]() { return 'URLSearchParams'; }
}

// URL

const record = Symbol('record');
const params = Symbol('params');

class URL {
  constructor(url, base) {
    let baseRecord;
    if (base !== undefined) baseRecord = base instanceof URL ? base[record] : parse(String(base));
    this[record] = parse(String(url), baseRecord);
    this[params] = new URLSearchParams(this[record].query ?? '');
    this[params][urlOf] = this[record];
  }
  static canParse(url, base) { try { new URL(url, base); return true; } catch { return false; } }
  static parse(url, base) { try { return new URL(url, base); } catch { return null; } }
  #reparseQuery() {
    this[params][listOf] = parseForm(this[record].query ?? '');
  }
  get href() { return serialize(this[record]); }
  set href(value) {
    this[record] = parse(String(value));
    this[params][urlOf] = this[record];
    this.#reparseQuery();
  }
  get origin() {
    const u = this[record];
    if (u.scheme === 'blob:') { try { return new URL(serializePath(u)).origin; } catch { return 'null'; } }
    if (!isSpecial(u.scheme) || u.scheme === 'file:') return 'null';
    return u.scheme + '//' + serializeHost(u);
  }
  get protocol() { return this[record].scheme; }
  set protocol(value) {
    const m = /^([a-zA-Z][a-zA-Z0-9+.\-]*)/.exec(String(value));
    if (!m) return;
    const scheme = m[1].toLowerCase() + ':';
    const u = this[record];
    if (isSpecial(scheme) !== isSpecial(u.scheme)) return;
    if (scheme === 'file:' && (u.username || u.password || u.port !== null)) return;
    if (u.scheme === 'file:' && u.host === '') return;
    u.scheme = scheme;
    if (u.port === SPECIAL[scheme]) u.port = null;
  }
  get username() { return this[record].username; }
  set username(value) { const u = this[record]; if (u.host && u.scheme !== 'file:') u.username = encode(String(value), USERINFO); }
  get password() { return this[record].password; }
  set password(value) { const u = this[record]; if (u.host && u.scheme !== 'file:') u.password = encode(String(value), USERINFO); }
  get host() { return serializeHost(this[record]); }
  set host(value) {
    const u = this[record];
    if (u.opaque !== null) return;
    try {
      const parsed = parse(u.scheme + '//' + String(value).split(/[/?#\\]/)[0] + '/');
      if (parsed.host === '' && isSpecial(u.scheme)) return;
      u.host = parsed.host;
      if (parsed.port !== null || /:\d+$/.test(String(value))) u.port = parsed.port;
    } catch { /* the standard ignores a host it cannot parse */ }
  }
  get hostname() { return this[record].host ?? ''; }
  set hostname(value) {
    const u = this[record];
    if (u.opaque !== null) return;
    try {
      const parsed = parse(u.scheme + '//' + String(value).split(/[/?#:\\]/)[0] + '/');
      if (parsed.host === '' && isSpecial(u.scheme)) return;
      u.host = parsed.host;
    } catch { /* ignored, as the standard does */ }
  }
  get port() { const p = this[record].port; return p === null ? '' : String(p); }
  set port(value) {
    const u = this[record];
    if (u.host === null || u.host === '' || u.scheme === 'file:') return;
    const s = String(value);
    if (s === '') { u.port = null; return; }
    const m = /^[0-9]+/.exec(s);
    if (!m) return;
    const port = Number(m[0]);
    if (port > 65535) return;
    u.port = SPECIAL[u.scheme] === port ? null : port;
  }
  get pathname() { return serializePath(this[record]); }
  set pathname(value) {
    const u = this[record];
    if (u.opaque !== null) return;
    const special = isSpecial(u.scheme);
    const s = String(value);
    u.path = s === '' && !special ? [] : parsePath(s.replace(special ? /^[/\\]/ : /^\//, ''), special, [], u.scheme);
  }
  get search() { const q = this[record].query; return q === null || q === '' ? '' : '?' + q; }
  set search(value) {
    const s = String(value);
    this[record].query = s === '' ? null : encode(s.startsWith('?') ? s.slice(1) : s, isSpecial(this[record].scheme) ? SPECIAL_QUERY : QUERY);
    this.#reparseQuery();
  }
  get searchParams() { return this[params]; }
  get hash() { const f = this[record].fragment; return f === null || f === '' ? '' : '#' + f; }
  set hash(value) {
    const s = String(value);
    this[record].fragment = s === '' ? null : encode(s.startsWith('#') ? s.slice(1) : s, FRAGMENT);
  }
  toString() { return this.href; }
  toJSON() { return this.href; }
  get [Symbol.toStringTag]() { return 'URL'; }
}

Object.defineProperty(globalThis, 'URL', { value: URL, writable: true, configurable: true, enumerable: false });
Object.defineProperty(globalThis, 'URLSearchParams', { value: URLSearchParams, writable: true, configurable: true, enumerable: false });
