// Web Crypto as Workers use it: crypto.randomUUID, crypto.getRandomValues, and crypto.subtle's
// digest (SHA-1/256/384/512) and HMAC (importKey raw, generateKey, exportKey raw, sign, verify),
// with Cloudflare's crypto.subtle.timingSafeEqual. Java's JCA does the work (JsCrypto).

const cryptoBridge = internal.cryptoBridge;
const HASHES = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];
const BLOCK_BITS = { 'SHA-1': 512, 'SHA-256': 512, 'SHA-384': 1024, 'SHA-512': 1024 };
const INTEGER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array,
  BigUint64Array];

function bytesOf(data, who) {
  const b = internal.bufferOf(data);
  if (b === null) throw new TypeError(`${who}: ${data === null ? 'null' : typeof data} (expected: an ArrayBuffer or an ArrayBuffer view)`);
  return b;
}

function algorithmName(algorithm, who) {
  const name = typeof algorithm === 'string' ? algorithm : algorithm?.name;
  if (typeof name !== 'string') throw new TypeError(`${who}: algorithm (expected: a name, or an object with a name)`);
  return name;
}

function hashName(algorithm, who) {
  const name = algorithmName(algorithm, who).toUpperCase();
  if (!HASHES.includes(name)) {
    throw internal.domException(`${who}: algorithm '${algorithmName(algorithm, who)}' (expected: SHA-1, SHA-256, SHA-384 or SHA-512)`,
        'NotSupportedError');
  }
  return name;
}

const keyToken = Symbol('keyToken');
const keyBytes = Symbol('keyBytes');

class CryptoKey {
  #algorithm; #extractable; #usages;
  constructor(token, bytes, algorithm, extractable, usages) {
    if (token !== keyToken) throw new TypeError('CryptoKey: Illegal constructor (expected: crypto.subtle.importKey or generateKey)');
    this[keyBytes] = bytes;
    this.#algorithm = Object.freeze(algorithm);
    this.#extractable = extractable;
    this.#usages = Object.freeze(usages);
  }
  get type() { return 'secret'; }
  get extractable() { return this.#extractable; }
  get algorithm() { return this.#algorithm; }
  get usages() { return this.#usages; }
  get [Symbol.toStringTag]() { return 'CryptoKey'; }
}

function hmacKey(bytes, algorithm, extractable, usages, who) {
  if (algorithmName(algorithm, who).toUpperCase() !== 'HMAC') {
    throw internal.domException(`${who}: algorithm '${algorithmName(algorithm, who)}' (expected: HMAC)`, 'NotSupportedError');
  }
  if (algorithm.hash === undefined) throw new TypeError(`${who}: HMAC without a hash (expected: { name: 'HMAC', hash: 'SHA-256' })`);
  const hash = hashName(algorithm.hash, who);
  const list = [...(usages ?? [])].map(String);
  for (const u of list) {
    if (u !== 'sign' && u !== 'verify') throw internal.domException(`${who}: usage '${u}' (expected: sign, verify)`, 'SyntaxError');
  }
  if (list.length === 0) throw internal.domException(`${who}: no usages (expected: sign and/or verify)`, 'SyntaxError');
  if (bytes.byteLength === 0) throw internal.domException(`${who}: an empty HMAC key (expected: at least one byte)`, 'DataError');
  const length = algorithm.length === undefined ? bytes.byteLength * 8 : Number(algorithm.length);
  if (length > bytes.byteLength * 8 || length <= (bytes.byteLength - 1) * 8) {
    throw internal.domException(`${who}: length ${algorithm.length} for a ${bytes.byteLength}-byte key`, 'DataError');
  }
  return new CryptoKey(keyToken, bytes, { name: 'HMAC', hash: { name: hash }, length }, Boolean(extractable), list);
}

function checkKey(key, algorithm, usage, who) {
  if (!(key instanceof CryptoKey)) throw new TypeError(`${who}: key (expected: a CryptoKey)`);
  if (algorithmName(algorithm, who).toUpperCase() !== key.algorithm.name) {
    throw internal.domException(`${who}: algorithm '${algorithmName(algorithm, who)}' with a ${key.algorithm.name} key`, 'InvalidAccessError');
  }
  if (!key.usages.includes(usage)) throw internal.domException(`${who}: the key's usages do not include '${usage}'`, 'InvalidAccessError');
}

function hmac(key, data) {
  const k = key[keyBytes];
  const d = bytesOf(data, 'data');
  return internal.arrayBuffer(cryptoBridge.hmac(key.algorithm.hash.name, k.buffer, k.byteOffset, k.byteLength, d[0], d[1], d[2]));
}

function equal(a, b) {
  return cryptoBridge.timingSafeEqual(a[0], a[1], a[2], b[0], b[1], b[2]);
}

/** Runs `f` as a promise: what it throws rejects it, as every SubtleCrypto method does. */
const later = (f) => new Promise((resolve) => resolve(f()));

class SubtleCrypto {
  constructor(token) {
    if (token !== keyToken) throw new TypeError('SubtleCrypto: Illegal constructor (expected: crypto.subtle)');
  }
  digest(algorithm, data) {
    return later(() => {
      const hash = hashName(algorithm, 'digest');
      const d = bytesOf(data, 'digest');
      return internal.arrayBuffer(cryptoBridge.digest(hash, d[0], d[1], d[2]));
    });
  }
  importKey(format, keyData, algorithm, extractable, usages) {
    return later(() => {
      let bytes;
      if (format === 'raw') {
        const b = bytesOf(keyData, 'importKey');
        bytes = new Uint8Array(internal.copyBuffer(...b));
      } else if (format === 'jwk') {
        if (keyData?.kty !== 'oct' || typeof keyData.k !== 'string') {
          throw internal.domException("importKey: a JWK without kty 'oct' and k", 'DataError');
        }
        const b64 = keyData.k.replace(/-/g, '+').replace(/_/g, '/');
        bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      } else {
        throw internal.domException(`importKey: format '${format}' (expected: raw or jwk)`, 'NotSupportedError');
      }
      return hmacKey(bytes, algorithm, extractable, usages, 'importKey');
    });
  }
  generateKey(algorithm, extractable, usages) {
    return later(() => {
      const hash = algorithm?.hash === undefined ? undefined : hashName(algorithm.hash, 'generateKey');
      const bits = algorithm?.length === undefined ? BLOCK_BITS[hash] ?? 512 : Number(algorithm.length);
      const bytes = new Uint8Array(internal.arrayBuffer(cryptoBridge.randomBytes(Math.ceil(bits / 8))));
      return hmacKey(bytes, algorithm, extractable, usages, 'generateKey');
    });
  }
  exportKey(format, key) {
    return later(() => {
      if (!(key instanceof CryptoKey)) throw new TypeError('exportKey: key (expected: a CryptoKey)');
      if (!key.extractable) throw internal.domException('exportKey: the key is not extractable', 'InvalidAccessError');
      const k = key[keyBytes];
      if (format === 'raw') return internal.copyBuffer(k.buffer, k.byteOffset, k.byteLength);
      if (format === 'jwk') {
        const b64 = btoa(String.fromCharCode(...k)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
        return { kty: 'oct', k: b64, alg: 'HS' + key.algorithm.hash.name.slice(4), key_ops: [...key.usages],
          ext: true };
      }
      throw internal.domException(`exportKey: format '${format}' (expected: raw or jwk)`, 'NotSupportedError');
    });
  }
  sign(algorithm, key, data) {
    return later(() => {
      checkKey(key, algorithm, 'sign', 'sign');
      return hmac(key, data);
    });
  }
  verify(algorithm, key, signature, data) {
    return later(() => {
      checkKey(key, algorithm, 'verify', 'verify');
      const s = bytesOf(signature, 'verify');
      const mac = hmac(key, data);
      return s[2] === mac.byteLength && equal(s, [mac, 0, mac.byteLength]);
    });
  }
  /** Cloudflare's extension: whether two buffers of the same length are equal, in a time that does not depend on where they differ. */
  timingSafeEqual(a, b) {
    const x = bytesOf(a, 'timingSafeEqual'), y = bytesOf(b, 'timingSafeEqual');
    if (x[2] !== y[2]) throw new TypeError('timingSafeEqual: the inputs have different lengths (expected: the same byteLength)');
    return equal(x, y);
  }
  get [Symbol.toStringTag]() { return 'SubtleCrypto'; }
}

class Crypto {
  #subtle = new SubtleCrypto(keyToken);
  constructor(token) {
    if (token !== keyToken) throw new TypeError('Crypto: Illegal constructor (expected: crypto)');
  }
  get subtle() { return this.#subtle; }
  randomUUID() { return cryptoBridge.randomUUID(); }
  getRandomValues(array) {
    if (!INTEGER_ARRAYS.some((T) => array instanceof T)) {
      throw internal.domException('getRandomValues: the argument is not an integer typed array (expected: e.g. a Uint8Array)',
          'TypeMismatchError');
    }
    if (array.byteLength > 65536) {
      throw internal.domException(`getRandomValues: ${array.byteLength} bytes asked (expected: at most 65536)`, 'QuotaExceededError');
    }
    if (array.byteLength > 0) {
      new Uint8Array(array.buffer, array.byteOffset, array.byteLength)
          .set(new Uint8Array(internal.arrayBuffer(cryptoBridge.randomBytes(array.byteLength))));
    }
    return array;
  }
  get [Symbol.toStringTag]() { return 'Crypto'; }
}

for (const c of [CryptoKey, SubtleCrypto, Crypto]) {
  Object.defineProperty(globalThis, c.name, { value: c, writable: true, configurable: true, enumerable: false });
}
Object.defineProperty(globalThis, 'crypto', { value: new Crypto(keyToken), writable: true, configurable: true, enumerable: false });
