// Small globals of the HTML standard and Cloudflare's runtime: DOMException, atob/btoa (forgiving
// base64), structuredClone, queueMicrotask, navigator.userAgent, TextEncoder.encodeInto.

const DOM_CODES = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5, NoModificationAllowedError: 7,
  NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11, SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14,
  InvalidAccessError: 15, TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
  QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
};

if (typeof globalThis.DOMException !== 'function') {
  class DOMException extends Error {
    #name; #message;
    constructor(message = '', name = 'Error') {
      super(String(message));
      this.#message = String(message);
      this.#name = String(name);
    }
    get name() { return this.#name; }
    get message() { return this.#message; }
    get code() { return DOM_CODES[this.#name] ?? 0; }
    get [Symbol.toStringTag]() { return 'DOMException'; }
  }
  for (const [name, code] of Object.entries(DOM_CODES)) {
    const constant = name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase().replace(/_ERROR$/, '_ERR');
    Object.defineProperty(DOMException, constant, { value: code, enumerable: true });
  }
  Object.defineProperty(globalThis, 'DOMException', { value: DOMException, writable: true, configurable: true, enumerable: false });
}
internal.domException = (message, name) => new globalThis.DOMException(message, name);

// atob / btoa: the HTML standard's forgiving-base64 decode and its encode of a "binary string".
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) BASE64_VALUE[BASE64.charCodeAt(i)] = i;

function btoa(data) {
  if (arguments.length === 0) throw new TypeError('btoa: 1 argument required');
  const s = String(data);
  let out = '';
  for (let i = 0; i < s.length; i += 3) {
    const a = s.charCodeAt(i), b = i + 1 < s.length ? s.charCodeAt(i + 1) : 0, c = i + 2 < s.length ? s.charCodeAt(i + 2) : 0;
    if (a > 255 || b > 255 || c > 255) {
      throw internal.domException('btoa: the string has a character outside Latin-1 (expected: code points 0 to 255)', 'InvalidCharacterError');
    }
    const n = (a << 16) | (b << 8) | c;
    out += BASE64[n >> 18] + BASE64[(n >> 12) & 63]
        + (i + 1 < s.length ? BASE64[(n >> 6) & 63] : '=') + (i + 2 < s.length ? BASE64[n & 63] : '=');
  }
  return out;
}

function atob(data) {
  if (arguments.length === 0) throw new TypeError('atob: 1 argument required');
  let s = String(data).replace(/[\t\n\f\r ]/g, '');
  if (s.length % 4 === 0) s = s.replace(/={1,2}$/, '');
  const invalid = () => internal.domException('atob: the string is not correctly encoded base64 (expected: A-Z a-z 0-9 + / and = padding)',
      'InvalidCharacterError');
  if (s.length % 4 === 1) throw invalid();
  let out = '', bits = 0, buffer = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const v = code < 128 ? BASE64_VALUE[code] : -1;
    if (v < 0) throw invalid();
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((buffer >> bits) & 255);
    }
  }
  return out;
}

// structuredClone: the HTML standard's serialization of the values Workers pass around.
const TYPED_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array,
  Float64Array, BigInt64Array, BigUint64Array];
const ERRORS = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };

function cloneValue(value, memory) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')) return value;
  const fail = (what) => internal.domException(`structuredClone: ${what} could not be cloned`, 'DataCloneError');
  if (typeof value === 'symbol') throw fail(String(value));
  if (typeof value === 'function') throw fail(`function ${value.name || '(anonymous)'}`);
  if (memory.has(value)) return memory.get(value);
  const tag = Object.prototype.toString.call(value);
  let copy;
  if (tag === '[object Boolean]') copy = Object(Boolean.prototype.valueOf.call(value));
  else if (tag === '[object Number]') copy = Object(Number.prototype.valueOf.call(value));
  else if (tag === '[object String]') copy = Object(String.prototype.valueOf.call(value));
  else if (tag === '[object BigInt]') copy = Object(BigInt.prototype.valueOf.call(value));
  else if (value instanceof Date) copy = new Date(value.getTime());
  else if (value instanceof RegExp) copy = new RegExp(value.source, value.flags);
  else if (value instanceof ArrayBuffer) copy = value.slice(0);
  else if (value instanceof DataView) {
    const buffer = cloneValue(value.buffer, memory);
    copy = new DataView(buffer, value.byteOffset, value.byteLength);
  } else if (ArrayBuffer.isView(value)) {
    const C = TYPED_ARRAYS.find((T) => value instanceof T);
    if (!C) throw fail(tag);
    copy = new C(cloneValue(value.buffer, memory), value.byteOffset, value.length);
  } else if (value instanceof Map) {
    copy = new Map();
    memory.set(value, copy);
    for (const [k, v] of value) copy.set(cloneValue(k, memory), cloneValue(v, memory));
    return copy;
  } else if (value instanceof Set) {
    copy = new Set();
    memory.set(value, copy);
    for (const v of value) copy.add(cloneValue(v, memory));
    return copy;
  } else if (value instanceof Error) {
    const name = Object.hasOwn(ERRORS, value.name) ? value.name : 'Error';
    copy = new ERRORS[name](value.message);
    memory.set(value, copy);
    if (typeof value.stack === 'string') Object.defineProperty(copy, 'stack', { value: value.stack, writable: true, configurable: true });
    if ('cause' in value) copy.cause = cloneValue(value.cause, memory);
    return copy;
  } else if (Array.isArray(value)) {
    copy = new Array(value.length);
    memory.set(value, copy);
    for (const k of Object.keys(value)) copy[k] = cloneValue(value[k], memory);
    return copy;
  } else if (tag === '[object Object]' || tag === '[object Arguments]') {
    copy = {};
    memory.set(value, copy);
    for (const k of Object.keys(value)) copy[k] = cloneValue(value[k], memory);
    return copy;
  } else {
    throw fail(tag.slice(8, -1) === 'Object' ? (value.constructor?.name ?? 'object') : tag.slice(8, -1));
  }
  memory.set(value, copy);
  return copy;
}

function structuredClone(value, options) {
  if (arguments.length === 0) throw new TypeError('structuredClone: 1 argument required');
  if (options?.transfer !== undefined && [...options.transfer].length > 0) {
    throw internal.domException('structuredClone: transfer is not supported (expected: no transfer list)', 'DataCloneError');
  }
  return cloneValue(value, new Map());
}

function queueMicrotask(callback) {
  if (typeof callback !== 'function') throw new TypeError(`queueMicrotask: ${typeof callback} (expected: a function)`);
  Promise.resolve().then(() => callback()).catch((e) => bridge.log('error', `Uncaught (in microtask) ${internal.describe(e)}`));
}

for (const f of [atob, btoa, structuredClone, queueMicrotask]) {
  Object.defineProperty(globalThis, f.name, { value: f, writable: true, configurable: true, enumerable: false });
}

class Navigator {
  get userAgent() { return 'Cloudflare-Workers'; }
  get hardwareConcurrency() { return 1; }
  get language() { return 'en'; }
  get languages() { return ['en']; }
  get [Symbol.toStringTag]() { return 'Navigator'; }
}
Object.defineProperty(globalThis, 'navigator', { value: new Navigator(), writable: true, configurable: true, enumerable: false });

if (typeof TextEncoder.prototype.encodeInto !== 'function') {
  Object.defineProperty(TextEncoder.prototype, 'encodeInto', {
    value: function encodeInto(source, destination) {
      if (!(destination instanceof Uint8Array)) throw new TypeError('encodeInto: the destination is not a Uint8Array');
      const s = String(source);
      let read = 0, written = 0;
      for (const ch of s) {
        const bytes = this.encode(ch);
        if (written + bytes.length > destination.length) break;
        destination.set(bytes, written);
        written += bytes.length;
        read += ch.length;
      }
      return { read, written };
    },
    writable: true, configurable: true,
  });
}
