// Durable Objects in JavaScript, over the Java runtime's (docs/WORKERS.md): namespaces, ids and
// stubs in env; the ctx (state) a class is constructed with: storage (key-value, transactions,
// alarms, SQL), blockConcurrencyWhile, waitUntil and the WebSocket Hibernation API; the module
// `cloudflare:workers` with its DurableObject base class. Every call of an object's event runs on
// that event's thread: storage calls are synchronous in Java and their promises settle at once.

const objects = bridge.objects();

/** A Java failure (JsObjects.Failure) as the Error JavaScript throws. */
function ok(result) {
  if (result !== null && typeof result === 'object' && result.pierWhy !== undefined) {
    throw result.pierType ? new TypeError(result.pierWhy) : new Error(result.pierWhy);
  }
  return result;
}

// Values in storage: Pier's tagged JSON, version 1 ----------------------------------------------
// Strings, finite numbers, booleans and null are themselves; everything else is an array whose
// first element says what it is: ["A", ...items], ["O", key, value, ...], ["M", key, value, ...],
// ["S", ...items], ["D", epochMillis], ["B", base64] (ArrayBuffer), ["V", type, base64] (a typed
// array or DataView), ["R", source, flags], ["E", name, message], ["U"] (undefined),
// ["N", "NaN" | "Infinity" | "-Infinity" | "-0"], ["I", digits] (BigInt), ["W", "String" |
// "Number" | "Boolean", value] (a wrapper object), and ["P", n]: the n-th object met before
// (shared and circular references). What put stores, get gives back: same types, same sharing.

const VIEWS = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'DataView'];

function base64(buffer, offset, length) {
  return objects.toBase64(buffer, offset, length);
}

function cloneError(what) {
  const message = `${what} could not be cloned`;
  if (typeof DOMException === 'function') return new DOMException(message, 'DataCloneError');
  const e = new TypeError(message);
  e.name = 'DataCloneError';
  return e;
}

function encode(value, seen) {
  switch (typeof value) {
    case 'string': case 'boolean': return value;
    case 'undefined': return ['U'];
    case 'bigint': return ['I', value.toString()];
    case 'number':
      if (Number.isNaN(value)) return ['N', 'NaN'];
      if (value === Infinity) return ['N', 'Infinity'];
      if (value === -Infinity) return ['N', '-Infinity'];
      if (Object.is(value, -0)) return ['N', '-0'];
      return value;
    case 'function': case 'symbol':
      throw cloneError(typeof value);
    default: break;
  }
  if (value === null) return null;
  const before = seen.get(value);
  if (before !== undefined) return ['P', before];
  seen.set(value, seen.size);
  if (Array.isArray(value)) {
    const out = ['A'];
    for (let i = 0; i < value.length; i++) out.push(encode(value[i], seen));
    return out;
  }
  if (value instanceof Map) {
    const out = ['M'];
    for (const [k, v] of value) out.push(encode(k, seen), encode(v, seen));
    return out;
  }
  if (value instanceof Set) {
    const out = ['S'];
    for (const v of value) out.push(encode(v, seen));
    return out;
  }
  if (value instanceof Date) return ['D', value.getTime()];
  if (value instanceof RegExp) return ['R', value.source, value.flags];
  if (value instanceof ArrayBuffer) return ['B', base64(value, 0, value.byteLength)];
  if (ArrayBuffer.isView(value)) {
    const type = value.constructor.name;
    if (!VIEWS.includes(type)) throw cloneError(type);
    return ['V', type, base64(value.buffer, value.byteOffset, value.byteLength)];
  }
  if (value instanceof Error) return ['E', value.name, value.message];
  if (value instanceof String) return ['W', 'String', value.valueOf()];
  if (value instanceof Number) return ['W', 'Number', encode(value.valueOf(), seen)];
  if (value instanceof Boolean) return ['W', 'Boolean', value.valueOf()];
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null && !(value instanceof Object && proto.constructor === Object)) {
    if (value instanceof WebSocket || value instanceof Request || value instanceof Response || value instanceof Promise
        || value instanceof WeakMap || value instanceof WeakSet) {
      throw cloneError(value.constructor.name);
    }
  }
  const out = ['O'];
  for (const key of Object.keys(value)) out.push(key, encode(value[key], seen));
  return out;
}

function bytesOf(text) {
  return new Uint8Array(new ArrayBuffer(bridge.base64(text)));
}

function decode(json, seen) {
  if (json === null || typeof json !== 'object') return json;
  const tag = json[0];
  let out;
  switch (tag) {
    case 'A':
      out = []; seen.push(out);
      for (let i = 1; i < json.length; i++) out.push(decode(json[i], seen));
      return out;
    case 'O':
      out = {}; seen.push(out);
      for (let i = 1; i + 1 < json.length; i += 2) out[json[i]] = decode(json[i + 1], seen);
      return out;
    case 'M':
      out = new Map(); seen.push(out);
      for (let i = 1; i + 1 < json.length; i += 2) out.set(decode(json[i], seen), decode(json[i + 1], seen));
      return out;
    case 'S':
      out = new Set(); seen.push(out);
      for (let i = 1; i < json.length; i++) out.add(decode(json[i], seen));
      return out;
    case 'D': out = new Date(json[1]); seen.push(out); return out;
    case 'R': out = new RegExp(json[1], json[2]); seen.push(out); return out;
    case 'B': out = bytesOf(json[1]).buffer; seen.push(out); return out;
    case 'V': {
      const bytes = bytesOf(json[2]);
      const C = globalThis[json[1]];
      out = json[1] === 'DataView' ? new DataView(bytes.buffer)
        : new C(bytes.buffer, 0, bytes.byteLength / C.BYTES_PER_ELEMENT);
      seen.push(out);
      return out;
    }
    case 'E': {
      const C = { EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError }[json[1]] ?? Error;
      out = new C(json[2]); seen.push(out); return out;
    }
    case 'W': {
      const inner = decode(json[2], seen);
      out = json[1] === 'String' ? new String(inner) : json[1] === 'Number' ? new Number(inner) : new Boolean(inner);
      seen.push(out);
      return out;
    }
    case 'U': return undefined;
    case 'I': return BigInt(json[1]);
    case 'N': return json[1] === '-0' ? -0 : Number(json[1]);
    case 'P': return seen[json[1]];
    default: throw new Error(`a stored value has the unknown tag ${JSON.stringify(tag)} (expected: Pier's tagged JSON, version 1)`);
  }
}

/** A value as the text storage keeps; throws DataCloneError for what cannot be cloned. */
internal.serialize = (value) => JSON.stringify(encode(value, new Map()));
/** A stored text as the value it was. */
internal.deserialize = (text) => {
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return text; // a value a Java object wrote as plain text
  }
  return decode(json, []);
};

// Storage -------------------------------------------------------------------------------------

function keyOf(key, what = 'key') {
  if (typeof key !== 'string') throw new TypeError(`${what}: ${typeof key} (expected: a string)`);
  return key;
}

function keysOf(keys) {
  if (keys.length > 128) throw new RangeError(`keys: ${keys.length} (expected: at most 128 per call)`);
  return keys.map((k) => keyOf(k));
}

function entriesMap(flat) {
  const map = new Map();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(flat[i], internal.deserialize(flat[i + 1]));
  return map;
}

function run(fn) {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
}

function kv(h, isOpen) {
  const check = () => { if (!isOpen()) throw new Error('txn: its transaction has ended or was rolled back (expected: calls inside the closure, before rollback())'); };
  return {
    get(keyOrKeys, options) {
      return run(() => {
        check();
        if (Array.isArray(keyOrKeys)) return entriesMap(ok(objects.getMany(h, keysOf(keyOrKeys))));
        const text = ok(objects.get(h, keyOf(keyOrKeys)));
        return text === null ? undefined : internal.deserialize(text);
      });
    },
    put(keyOrEntries, value, options) {
      return run(() => {
        check();
        if (typeof keyOrEntries === 'string') {
          if (value === undefined) throw new TypeError('put: value undefined (expected: a value that can be cloned)');
          ok(objects.put(h, keyOrEntries, internal.serialize(value)));
          return undefined;
        }
        if (keyOrEntries === null || typeof keyOrEntries !== 'object') {
          throw new TypeError(`put: ${keyOrEntries === null ? 'null' : typeof keyOrEntries} (expected: a key and a value, or an object of entries)`);
        }
        const flat = [];
        for (const key of Object.keys(keyOrEntries)) flat.push(key, internal.serialize(keyOrEntries[key]));
        if (flat.length > 256) throw new RangeError(`put: ${flat.length / 2} entries (expected: at most 128 per call)`);
        ok(objects.putMany(h, flat));
        return undefined;
      });
    },
    delete(keyOrKeys, options) {
      return run(() => {
        check();
        if (Array.isArray(keyOrKeys)) return ok(objects.deleteMany(h, keysOf(keyOrKeys)));
        return ok(objects.delete(h, keyOf(keyOrKeys)));
      });
    },
    list(options = {}) {
      return run(() => {
        check();
        const o = options ?? {};
        const text = (name) => (o[name] === undefined || o[name] === null ? null : keyOf(o[name], name));
        const limit = o.limit === undefined || o.limit === null ? 0 : Number(o.limit);
        if (!Number.isInteger(limit) || limit < (o.limit === undefined ? 0 : 1)) {
          throw new TypeError(`list: limit ${o.limit} (expected: a positive whole number)`);
        }
        return entriesMap(ok(objects.list(h, text('start'), text('startAfter'), text('end'), text('prefix'), Boolean(o.reverse), limit)));
      });
    },
  };
}

class SqlStorageCursor {
  #columns; #rows; #read; #written; #next = 0;
  constructor(result) {
    this.#columns = Array.from(result[0]);
    const flat = result[1];
    const n = this.#columns.length;
    const rows = [];
    for (let i = 0; n > 0 && i < flat.length; i += n) {
      const row = new Array(n);
      for (let c = 0; c < n; c++) {
        const v = flat[i + c];
        row[c] = v !== null && typeof v === 'object' ? new ArrayBuffer(v) : v;
      }
      rows.push(row);
    }
    this.#rows = rows;
    this.#read = Number(result[2]);
    this.#written = Number(result[3]);
  }
  #object(row) {
    const o = {};
    for (let c = 0; c < this.#columns.length; c++) o[this.#columns[c]] = row[c];
    return o;
  }
  next() {
    if (this.#next >= this.#rows.length) return { done: true, value: undefined };
    return { done: false, value: this.#object(this.#rows[this.#next++]) };
  }
  toArray() {
    const out = [];
    for (let r = this.next(); !r.done; r = this.next()) out.push(r.value);
    return out;
  }
  one() {
    const left = this.#rows.length - this.#next;
    if (left !== 1) {
      throw new Error(`Expected exactly one result from SQL query, but got ${left === 0 ? 'no results' : 'multiple results'}.`);
    }
    return this.next().value;
  }
  raw() {
    const self = this;
    return {
      next() {
        if (self.#next >= self.#rows.length) return { done: true, value: undefined };
        return { done: false, value: self.#rows[self.#next++].slice() };
      },
      toArray() {
        const out = [];
        for (let r = this.next(); !r.done; r = this.next()) out.push(r.value);
        return out;
      },
      [Symbol.iterator]() { return this; },
    };
  }
  get columnNames() { return this.#columns.slice(); }
  get rowsRead() { return this.#read; }
  get rowsWritten() { return this.#written; }
  [Symbol.iterator]() { return this; }
  get [Symbol.toStringTag]() { return 'SqlStorageCursor'; }
}

function sqlBinding(v) {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const buffer = internal.bufferOf(v);
  if (buffer !== null) return internal.copyBuffer(buffer[0], buffer[1], buffer[2]);
  throw new TypeError(`sql.exec: a binding of type ${typeof v} (expected: null, a string, a number, a boolean or an ArrayBuffer)`);
}

function storageOf(h) {
  const always = () => true;
  const storage = kv(h, always);
  storage.deleteAll = (options) => run(() => { ok(objects.deleteAll(h)); });
  storage.getAlarm = (options) => run(() => {
    const at = ok(objects.getAlarm(h));
    return at === null ? null : Number(at);
  });
  storage.setAlarm = (time, options) => run(() => {
    const at = time instanceof Date ? time.getTime() : Number(time);
    if (!Number.isFinite(at)) throw new TypeError(`setAlarm: ${time} (expected: a Date or milliseconds since the epoch)`);
    ok(objects.setAlarm(h, at));
  });
  storage.deleteAlarm = (options) => run(() => { ok(objects.deleteAlarm(h)); });
  storage.sync = () => run(() => { ok(objects.sync(h)); });
  storage.transaction = (closure) => {
    if (typeof closure !== 'function') return Promise.reject(new TypeError('transaction: the closure is not a function'));
    let level;
    try {
      level = ok(objects.beginLevel(h));
    } catch (e) {
      return Promise.reject(e);
    }
    const open = () => !objects.levelEnded(h, level);
    const txn = kv(h, open);
    txn.rollback = () => { if (open()) ok(objects.endLevel(h, level, false)); };
    return run(() => closure(txn)).then((value) => {
      ok(objects.endLevel(h, level, true));
      return value;
    }, (e) => {
      if (open()) ok(objects.endLevel(h, level, false));
      throw e;
    });
  };
  storage.transactionSync = (closure) => {
    const level = ok(objects.beginLevel(h));
    let value;
    try {
      value = closure();
    } catch (e) {
      if (!objects.levelEnded(h, level)) ok(objects.endLevel(h, level, false));
      throw e;
    }
    ok(objects.endLevel(h, level, true));
    return value;
  };
  storage.sql = Object.freeze({
    exec(query, ...bindings) {
      if (typeof query !== 'string') throw new TypeError(`sql.exec: query ${typeof query} (expected: a string)`);
      return new SqlStorageCursor(ok(objects.sql(h, query, bindings.map(sqlBinding))));
    },
    get databaseSize() { return Number(ok(objects.databaseSize(h))); },
  });
  return Object.freeze(storage);
}

// Ids, namespaces and stubs ---------------------------------------------------------------------

const javaId = Symbol('javaId');

class DurableObjectId {
  constructor(token, java) {
    if (token !== javaId) throw new TypeError('DurableObjectId: not constructed by a script (expected: namespace.idFromName(), idFromString() or newUniqueId())');
    this[javaId] = java;
  }
  toString() { return objects.idHex(this[javaId]); }
  equals(other) { return other instanceof DurableObjectId && other.toString() === this.toString(); }
  get name() { return objects.idName(this[javaId]) ?? undefined; }
  get [Symbol.toStringTag]() { return 'DurableObjectId'; }
}

function idOf(java) {
  return new DurableObjectId(javaId, java);
}

/** A Response from the Java one a stub's fetch completed with. */
function responseOf(java) {
  const status = objects.status(java);
  const socket = objects.responseSocket(java);
  const bytes = objects.responseBody(java);
  const flat = objects.responseHeaders(java);
  const headers = new Headers();
  for (let i = 0; i + 1 < flat.length; i += 2) headers.append(flat[i], flat[i + 1]);
  const init = { status, headers, statusText: objects.statusText(java) ?? '' };
  if (socket !== null) init.webSocket = internal.socketOf(socket);
  return new Response(bytes === null || status === 101 || status === 204 || status === 304 ? null : internal.arrayBuffer(bytes), init);
}

class DurableObjectStub {
  #java; #id;
  constructor(token, java, id) {
    if (token !== javaId) throw new TypeError('DurableObjectStub: not constructed by a script (expected: namespace.get(id))');
    this.#java = java;
    this.#id = id;
  }
  get id() { return this.#id; }
  get name() { return this.#id.name; }
  async fetch(input, init) {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const method = request.method;
    const body = method === 'GET' || method === 'HEAD' ? null : await request.arrayBuffer();
    const headers = internal.flatHeaders(request.headers);
    const answer = objects.stubFetch(this.#java, method, request.url, headers, body, body === null ? 0 : body.byteLength,
        request.cf ?? null);
    return responseOf(await ok(answer));
  }
  get [Symbol.toStringTag]() { return 'DurableObjectStub'; }
}

class DurableObjectNamespace {
  #java;
  constructor(token, java) {
    if (token !== javaId) throw new TypeError('DurableObjectNamespace: bound by the configuration (expected: env.<binding>)');
    this.#java = java;
  }
  idFromName(name) { return idOf(ok(objects.idFromName(this.#java, String(name)))); }
  idFromString(hex) { return idOf(ok(objects.idFromString(this.#java, String(hex)))); }
  newUniqueId(options) { return idOf(objects.newUniqueId(this.#java)); }
  get(id, options) {
    if (!(id instanceof DurableObjectId)) throw new TypeError('get: not a DurableObjectId (expected: one from idFromName, idFromString or newUniqueId)');
    return new DurableObjectStub(javaId, objects.stub(this.#java, id[javaId]), id);
  }
  getByName(name, options) { return this.get(this.idFromName(name)); }
  get [Symbol.toStringTag]() { return 'DurableObjectNamespace'; }
}

internal.namespaceOf = (java) => new DurableObjectNamespace(javaId, java);

// The Hibernation API ---------------------------------------------------------------------------

class WebSocketRequestResponsePair {
  #request; #response;
  constructor(request, response) {
    if (typeof request !== 'string' || typeof response !== 'string') {
      throw new TypeError('WebSocketRequestResponsePair: (request, response) (expected: two strings)');
    }
    this.#request = request;
    this.#response = response;
  }
  get request() { return this.#request; }
  get response() { return this.#response; }
}

/** The JavaScript WebSocket of a Java one of this object: the one it accepted, or one made again after it was evicted. */
function wsOf(h, java) {
  let ws = objects.socket(h, java);
  if (ws === null || ws === undefined) {
    ws = internal.socketOf(java);
    objects.remember(h, java, ws);
  }
  return ws;
}

function javaSocketOf(ws, what) {
  if (!(ws instanceof WebSocket)) throw new TypeError(`${what}: not a WebSocket (expected: the server end of a WebSocketPair)`);
  const java = internal.javaSocket(ws);
  if (java === undefined) throw new TypeError(`${what}: a WebSocket new WebSocket(url) made, still connecting (expected: the server end of a WebSocketPair)`);
  return java;
}

WebSocket.prototype.serializeAttachment = function serializeAttachment(value) {
  ok(objects.serializeAttachment(javaSocketOf(this, 'serializeAttachment'), value === undefined || value === null ? null : internal.serialize(value)));
};
WebSocket.prototype.deserializeAttachment = function deserializeAttachment() {
  const text = objects.deserializeAttachment(javaSocketOf(this, 'deserializeAttachment'));
  return text === null ? null : internal.deserialize(text);
};

// The object's ctx -------------------------------------------------------------------------------

const blocking = Symbol('blocking');

function stateOf(h) {
  const id = idOf(objects.stateId(h));
  const ctx = {
    get id() { return id; },
    storage: storageOf(h),
    waitUntil(promise) {
      Promise.resolve(promise).catch((e) => bridge.log('error', `waitUntil: ${internal.describe(e)}`));
    },
    blockConcurrencyWhile(callback) {
      const done = run(callback);
      // the object's next event waits for it; when it fails the object is reset, as Cloudflare's is
      done.then(undefined, (e) => objects.blockFailed(h, internal.describe(e), e instanceof Error ? String(e.name) : null,
        e instanceof Error ? String(e.message) : null));
      ctx[blocking] = Promise.all([ctx[blocking], done]);
      return done;
    },
    acceptWebSocket(ws, tags = []) {
      const java = javaSocketOf(ws, 'acceptWebSocket');
      if (!Array.isArray(tags)) throw new TypeError('acceptWebSocket: tags (expected: an array of strings)');
      ok(objects.acceptWebSocket(h, java, tags.map(String)));
      objects.remember(h, java, ws);
    },
    getWebSockets(tag) {
      return Array.from(ok(objects.getWebSockets(h, tag === undefined || tag === null ? null : String(tag))), (j) => wsOf(h, j));
    },
    getTags(ws) { return Array.from(ok(objects.getTags(h, javaSocketOf(ws, 'getTags')))); },
    setWebSocketAutoResponse(pair) {
      if (pair !== undefined && pair !== null && !(pair instanceof WebSocketRequestResponsePair)) {
        throw new TypeError('setWebSocketAutoResponse: not a WebSocketRequestResponsePair');
      }
      ok(objects.setAutoResponse(h, pair ? pair.request : null, pair ? pair.response : null));
    },
    getWebSocketAutoResponse() {
      const pair = objects.autoResponse(h);
      return pair === null ? null : new WebSocketRequestResponsePair(pair[0], pair[1]);
    },
    getWebSocketAutoResponseTimestamp(ws) {
      const at = ok(objects.autoResponseTimestamp(h, javaSocketOf(ws, 'getWebSocketAutoResponseTimestamp')));
      return at === null ? null : new Date(Number(at));
    },
    setHibernatableWebSocketEventTimeout(millis) {
      ok(objects.setEventTimeout(h, millis === undefined || millis === null ? -1 : Number(millis)));
    },
    getHibernatableWebSocketEventTimeout() {
      const t = objects.eventTimeout(h);
      return t === null ? null : Number(t);
    },
    abort(reason) {
      ok(objects.abort(h, reason === undefined || reason === null ? null : String(reason)));
    },
  };
  ctx[blocking] = undefined;
  return ctx;
}

/** Cloudflare's base class: `class Room extends DurableObject`, whose constructor keeps ctx and env. */
class DurableObject {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
}

class WorkerEntrypoint {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
}

/** A new instance of an exported class: `new cls(ctx, env)`, as Cloudflare constructs it. */
internal.constructObject = function constructObject(cls, h, env) {
  if (typeof cls !== 'function') throw new TypeError(`the export is ${typeof cls} (expected: a class)`);
  const ctx = stateOf(h);
  const instance = new cls(ctx, env);
  return [instance, ctx];
};

/** Calls an instance's event method, after whatever blockConcurrencyWhile holds; settles the Java future. */
internal.objectCall = function objectCall(instance, ctx, method, future, a, b, c, d) {
  if (method === 'alarm') {
    a = Object.freeze({ retryCount: a, isRetry: b });
    b = undefined;
  }
  const call = () => {
    const fn = instance[method];
    // A class without the handler lets the event pass, as Cloudflare's does: a hibernatable
    // socket's message, close or error is delivered only where the class has the method.
    if (typeof fn !== 'function') return undefined;
    return fn.call(instance, a, b, c, d);
  };
  const gate = ctx[blocking];
  const result = gate === undefined ? run(call) : Promise.resolve(gate).then(call);
  result.then(() => bridge.settle(future, null), (e) => internal.reject(future, e));
};

/** A request to an instance's fetch, after whatever blockConcurrencyWhile holds. */
internal.objectFetch = function objectFetch(instance, ctx, javaRequest, future) {
  const handler = { fetch: (request) => {
    if (typeof instance.fetch !== 'function') throw new TypeError('the Durable Object has no fetch() method (expected: fetch(request) on its class)');
    return instance.fetch(request);
  } };
  const gate = ctx[blocking];
  if (gate === undefined) {
    internal.dispatchFetch(handler, javaRequest, undefined, null, future);
  } else {
    Promise.resolve(gate).then(() => internal.dispatchFetch(handler, javaRequest, undefined, null, future),
        (e) => internal.reject(future, e));
  }
};

/** The JavaScript WebSocket a hibernatable socket's event passes. */
internal.objectSocket = (h, java) => wsOf(h, java);
/** The error webSocketError passes. */
internal.errorOf = (message) => new Error(message);

Object.defineProperty(globalThis, Symbol.for('pier.cloudflare:workers'), {
  value: Object.freeze({ DurableObject, WorkerEntrypoint }),
});

for (const c of [WebSocketRequestResponsePair, DurableObjectId, DurableObjectNamespace, DurableObjectStub, SqlStorageCursor]) {
  Object.defineProperty(globalThis, c.name, { value: c, writable: true, configurable: true, enumerable: false });
}
