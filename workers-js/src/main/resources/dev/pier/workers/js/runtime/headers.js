// Headers as the Fetch standard has them: names case-insensitive (kept lower case), values with
// leading and trailing whitespace removed, get() joining a repeated header with ", ", iteration
// sorted by name with repeated names combined (Set-Cookie excepted: each on its own), getSetCookie().

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const guard = Symbol('guard');
const list = Symbol('list');

function checkName(name) {
  const n = String(name);
  if (!TOKEN.test(n)) throw new TypeError(`Headers: invalid header name '${n}' (expected: an HTTP token)`);
  return n.toLowerCase();
}

function checkValue(name, value) {
  const v = String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  if (/[\0\r\n]/.test(v)) throw new TypeError(`Headers: invalid value for '${name}' (expected: no NUL, CR or LF)`);
  return v;
}

class Headers {
  constructor(init) {
    this[list] = [];
    this[guard] = 'none';
    if (init === undefined || init === null) return;
    if (init instanceof Headers) {
      for (const [n, v] of init[list]) this[list].push([n, v]);
    } else if (typeof init === 'object' && typeof init[Symbol.iterator] === 'function') {
      for (const pair of init) {
        const p = Array.from(pair);
        if (p.length !== 2) throw new TypeError(`Headers: a pair of ${p.length} (expected: [name, value])`);
        this.append(p[0], p[1]);
      }
    } else if (typeof init === 'object') {
      for (const key of Reflect.ownKeys(init)) {
        if (typeof key === 'string' && Object.prototype.propertyIsEnumerable.call(init, key)) this.append(key, init[key]);
      }
    } else {
      throw new TypeError(`Headers: ${typeof init} (expected: a Headers, an array of pairs or an object)`);
    }
  }
  #mutable() {
    if (this[guard] === 'immutable') throw new TypeError("Can't modify immutable headers.");
  }
  append(name, value) {
    const n = checkName(name);
    const v = checkValue(n, value);
    this.#mutable();
    this[list].push([n, v]);
  }
  delete(name) {
    const n = checkName(name);
    this.#mutable();
    this[list] = this[list].filter(([k]) => k !== n);
  }
  get(name) {
    const n = checkName(name);
    let out = null;
    for (const [k, v] of this[list]) if (k === n) out = out === null ? v : `${out}, ${v}`;
    return out;
  }
  getSetCookie() {
    return this[list].filter(([k]) => k === 'set-cookie').map(([, v]) => v);
  }
  getAll(name) {
    const n = checkName(name);
    if (n !== 'set-cookie') throw new TypeError("getAll() is only for 'set-cookie' (expected: get(name))");
    return this.getSetCookie();
  }
  has(name) {
    const n = checkName(name);
    return this[list].some(([k]) => k === n);
  }
  set(name, value) {
    const n = checkName(name);
    const v = checkValue(n, value);
    this.#mutable();
    const i = this[list].findIndex(([k]) => k === n);
    if (i < 0) { this[list].push([n, v]); return; }
    this[list][i] = [n, v];
    this[list] = this[list].filter(([k], j) => k !== n || j === i);
  }
  forEach(callback, thisArg) {
    for (const [n, v] of this) callback.call(thisArg, v, n, this);
  }
  *entries() {
    const names = [...new Set(this[list].map(([k]) => k))].sort();
    for (const n of names) {
      if (n === 'set-cookie') {
        for (const v of this.getSetCookie()) yield [n, v];
      } else {
        yield [n, this.get(n)];
      }
    }
  }
  *keys() { for (const [n] of this.entries()) yield n; }
  *values() { for (const [, v] of this.entries()) yield v; }
  [Symbol.iterator]() { return this.entries(); }
  get [Symbol.toStringTag]() { return 'Headers'; }
}

/** Headers that throw on change (a request the Worker received). */
internal.immutableHeaders = function immutableHeaders(flat) {
  const h = new Headers();
  for (let i = 0; i + 1 < flat.length; i += 2) h[list].push([flat[i], flat[i + 1]]);
  h[guard] = 'immutable';
  return h;
};

/** Names and values in order, flat, for the bridge. */
internal.flatHeaders = function flatHeaders(h) {
  const out = [];
  for (const [n, v] of h[list]) out.push(n, v);
  return out;
};

Object.defineProperty(globalThis, 'Headers', { value: Headers, writable: true, configurable: true, enumerable: false });
