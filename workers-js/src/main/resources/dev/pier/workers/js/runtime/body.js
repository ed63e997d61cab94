// Request and Response as the Fetch standard has them, with Cloudflare's webSocket on a 101
// Response. A body is a string, bytes or a ReadableStream (a Worker's answer streams to the client
// as it is read): text(), json(), arrayBuffer(), bytes()
// read it once, `body` is it as a ReadableStream. The request a Worker receives reads its parts
// from the Java request as they are asked for; its body, as an origin's body a fetch answers with,
// is written by Java as it arrives (a JavaBody), and passes on to a fetch or to the Worker's answer
// as it is, without a turn through JavaScript per chunk, unless the script reads it.

const body = Symbol('body');        // null, a string, a Uint8Array, a ReadableStream, a JavaBody, or a Java request (the one received)
const used = Symbol('used');
const streamed = Symbol('streamed'); // the ReadableStream `body` gave for a body that was not one
/** What a body is read from: the stream `body` gave, if it was asked for, or the body itself. */
const contentOf = (r) => r[streamed] ?? r[body];
const headersOf = Symbol('headers');
const javaRequest = Symbol('javaRequest');
const NULL_BODY_STATUS = [101, 204, 205, 304];
/** A received request's cf, read from the Java request when it is first asked for. */
const CF_OF_JAVA = Symbol('cfOfJava');

/** A body Java writes as it comes (an origin's, for a fetch's Response). */
class JavaBody {
  constructor(java) { this.java = java; }
}

const isJavaRequest = (b) => b !== null && typeof b === 'object' && !(b instanceof Uint8Array) && !(b instanceof ReadableStream)
    && !(b instanceof JavaBody);

/** The Java stream a body is, or null: a JavaBody's, or a received request's whose body arrives as the client sends it. */
function javaStreamOf(b) {
  if (b instanceof JavaBody) return b.java;
  return isJavaRequest(b) ? bridge.bodyStream(b) : null;
}

/** The whole of a Java-written body, as an ArrayBuffer. */
async function readJava(java) {
  return internal.arrayBuffer(await internal.streamsBridge.readAll(java));
}

internal.javaBody = (java) => new JavaBody(java);
const REDIRECT_STATUS = [301, 302, 303, 307, 308];

/** A body init as [content, content type or null]: a string or a Uint8Array (a copy), or null. */
function extract(init) {
  if (init === null || init === undefined) return [null, null];
  if (typeof init === 'string') return [init, 'text/plain;charset=UTF-8'];
  if (init instanceof URLSearchParams) return [init.toString(), 'application/x-www-form-urlencoded;charset=UTF-8'];
  if (init instanceof Blob) return [internal.blobBytes(init).slice(), init.type === '' ? null : init.type];
  if (init instanceof FormData) return internal.encodeFormData(init);
  const buffer = internal.bufferOf(init);
  if (buffer) return [new Uint8Array(internal.copyBuffer(...buffer)), null];
  if (init instanceof ReadableStream) {
    if (init.locked || internal.isDisturbed(init)) throw new TypeError('a body stream that is locked or already read (expected: a fresh ReadableStream)');
    const java = internal.takeJavaSource(init);
    return [java === null ? init : new JavaBody(java), null];
  }
  return [String(init), 'text/plain;charset=UTF-8'];
}

class Body {
  #consume(who) {
    if (this[used]) throw new TypeError(`${who}: Body has already been used. It can only be used once. Use tee() first if you need to read it twice.`);
    const b = contentOf(this);
    if (b instanceof ReadableStream && (b.locked || internal.isDisturbed(b))) {
      throw new TypeError(`${who}: the body stream is locked or already read`);
    }
    this[used] = true;
    return b;
  }
  get bodyUsed() {
    const b = contentOf(this);
    return this[used] === true || (b instanceof ReadableStream && internal.isDisturbed(b));
  }
  /** The body as a ReadableStream of Uint8Arrays (the same stream each time), or null when there is none. */
  get body() {
    const b = contentOf(this);
    if (b === null || b instanceof ReadableStream) return b;
    if (this[used]) return internal.streamOf(new Uint8Array(0));
    const java = javaStreamOf(b);
    if (java !== null) return (this[streamed] = internal.javaStream(java));
    const bytes = typeof b === 'string' ? internal.encoder.encode(b) : b instanceof Uint8Array ? b
      : bridge.bodySize(b) === 0 ? null : new Uint8Array(internal.arrayBuffer(bridge.bodyBytes(b)));
    return bytes === null ? null : (this[streamed] = internal.streamOf(bytes));
  }
  async text() {
    const b = this.#consume('text()');
    if (b === null) return '';
    if (typeof b === 'string') return b;
    if (b instanceof Uint8Array) return internal.decoder.decode(b);
    if (b instanceof ReadableStream) return internal.decoder.decode(await internal.readAll(b));
    const java = javaStreamOf(b);
    if (java !== null) return internal.decoder.decode(await readJava(java));
    return bridge.bodyText(b);
  }
  async json() {
    return JSON.parse(await this.text());
  }
  async arrayBuffer() {
    const b = this.#consume('arrayBuffer()');
    if (b === null) return new ArrayBuffer(0);
    if (typeof b === 'string') return internal.encoder.encode(b).buffer;
    if (b instanceof Uint8Array) return internal.copyBuffer(b.buffer, b.byteOffset, b.byteLength);
    if (b instanceof ReadableStream) return (await internal.readAll(b)).buffer;
    const java = javaStreamOf(b);
    if (java !== null) return readJava(java);
    return internal.arrayBuffer(bridge.bodyBytes(b));
  }
  async bytes() {
    return new Uint8Array(await this.arrayBuffer());
  }
  async formData() {
    const type = this.headers.get('content-type');
    return internal.decodeFormData(new Uint8Array(await this.arrayBuffer()), type);
  }
  async blob() {
    const type = this.headers.get('content-type') ?? '';
    return new Blob([await this.arrayBuffer()], { type });
  }
}

function bodyClone(source) {
  if (source.bodyUsed) throw new TypeError('clone(): Body has already been used.');
  if (javaStreamOf(contentOf(source)) !== null) source.body; // a Java-written body is teed as a stream
  const b = contentOf(source);
  if (b instanceof ReadableStream) {
    const [mine, theirs] = b.tee();
    if (source[streamed]) source[streamed] = mine; else source[body] = mine;
    return theirs;
  }
  return b instanceof Uint8Array ? b.slice() : b;
}

/** Cloudflare's request.cf from the bridge's name, value, ... of what the edge knows: read-only, as Cloudflare's. */
function cfOf(flat) {
  if (flat === null) return undefined;
  const cf = {};
  for (let i = 0; i + 1 < flat.length; i += 2) cf[flat[i]] = flat[i + 1];
  return Object.freeze(cf);
}

class Request extends Body {
  #method; #url; #redirect; #signal = null; #cf;
  constructor(input, init = {}) {
    super();
    if (input === javaRequest) { // the request the Worker received: its parts are read when asked for
      this[body] = init;
      this[used] = false;
      this.#method = null;
      this.#url = null;
      this.#redirect = 'manual';
      this.#cf = CF_OF_JAVA;
      return;
    }
    init = init ?? {};
    let inherited = null;
    if (input instanceof Request) {
      inherited = input;
      this.#url = input.url;
      this.#method = input.method;
    } else {
      this.#url = new URL(String(input)).href;
      this.#method = 'GET';
    }
    if (init.method !== undefined) {
      const m = String(init.method);
      if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(m)) throw new TypeError(`Request: method '${m}' (expected: an HTTP token)`);
      const upper = m.toUpperCase();
      this.#method = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH'].includes(upper) ? upper : m;
    }
    this.#redirect = init.redirect ?? inherited?.redirect ?? 'follow';
    const signal = init.signal ?? inherited?.signal ?? null;
    if (signal !== null && !(signal instanceof AbortSignal)) throw new TypeError('Request: signal (expected: an AbortSignal)');
    this.#signal = signal;
    if (init.cf !== undefined && init.cf !== null) {
      if (typeof init.cf !== 'object') throw new TypeError(`Request: cf is ${typeof init.cf} (expected: an object)`);
      this.#cf = init.cf;
    } else {
      this.#cf = inherited?.cf;
    }
    this[headersOf] = new Headers(init.headers ?? inherited?.headers);
    if (init.body !== undefined && init.body !== null) {
      if (this.#method === 'GET' || this.#method === 'HEAD') throw new TypeError(`Request: a ${this.#method} request cannot have a body`);
      const [content, type] = extract(init.body);
      this[body] = content;
      if (type !== null && !this[headersOf].has('content-type')) this[headersOf].set('content-type', type);
    } else if (inherited && isStream(contentOf(inherited))) {
      // a stream body moves to the new request, as the Fetch standard has it: teeing it would hold
      // all of it for the branch nobody reads
      if (inherited.bodyUsed) throw new TypeError('Request: the body of the request given has already been used');
      this[body] = contentOf(inherited);
      inherited[used] = true;
    } else {
      this[body] = inherited ? bodyClone(inherited) : null;
    }
    this[used] = false;
  }
  get method() { return this.#method ??= bridge.method(this[body]); }
  get url() { return this.#url ??= bridge.url(this[body]); }
  get headers() { return this[headersOf] ??= internal.immutableHeaders(bridge.headers(this[body])); }
  get redirect() { return this.#redirect; }
  /** What the edge knows of the client's connection on a received request (kept by new Request(request)); undefined on one the script made. */
  get cf() {
    if (this.#cf === CF_OF_JAVA) this.#cf = cfOf(bridge.cf(this[body]));
    return this.#cf;
  }
  /** The signal given, or one that never aborts. */
  get signal() { return this.#signal ??= new AbortController().signal; }
  clone() {
    const copy = new Request(this.url, { method: this.method, headers: this.headers, redirect: this.#redirect, signal: this.signal, cf: this.cf });
    copy[body] = bodyClone(this);
    return copy;
  }
  get [Symbol.toStringTag]() { return 'Request'; }
}

/** Whether a body comes as a stream: a ReadableStream, a JavaBody, or a received request's that arrives as it is sent. */
function isStream(b) {
  return b instanceof ReadableStream || javaStreamOf(b) !== null;
}

/** The request the Worker receives, over the Java one. */
internal.requestOf = function requestOf(java) {
  return new Request(javaRequest, java);
};

const webSocketOf = Symbol('webSocket');

class Response extends Body {
  #status; #statusText;
  constructor(init, options = {}) {
    super();
    options = options ?? {};
    const status = options.status === undefined ? 200 : Number(options.status);
    const webSocket = options.webSocket ?? null;
    if (webSocket !== null) {
      if (status !== 101) throw new RangeError(`Response: status ${status} with a webSocket (expected: 101)`);
      if (!(webSocket instanceof WebSocket)) throw new TypeError('Response: webSocket is not a WebSocket (expected: the client end of a WebSocketPair)');
    } else if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new RangeError(`Response: status ${options.status} (expected: 200 to 599, or 101 with a webSocket)`);
    }
    const statusText = options.statusText === undefined ? '' : String(options.statusText);
    if (/[^\t\x20-\x7e\x80-\xff]/.test(statusText)) throw new TypeError(`Response: statusText '${statusText}' (expected: a reason phrase)`);
    this.#status = status;
    this.#statusText = statusText;
    this[webSocketOf] = webSocket;
    this[headersOf] = new Headers(options.headers);
    const [content, type] = extract(init);
    if (content !== null && NULL_BODY_STATUS.includes(status)) throw new TypeError(`Response: a body with status ${status} (expected: none)`);
    this[body] = content;
    this[used] = false;
    if (type !== null && !this[headersOf].has('content-type')) this[headersOf].set('content-type', type);
  }
  static json(data, options = {}) {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError('Response.json: the value cannot be serialized to JSON');
    const headers = new Headers(options?.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return new Response(text, { ...options, headers });
  }
  static redirect(url, status = 302) {
    if (!REDIRECT_STATUS.includes(status)) throw new RangeError(`Response.redirect: status ${status} (expected: 301, 302, 303, 307 or 308)`);
    const href = new URL(String(url)).href;
    return new Response(null, { status, headers: { location: href } });
  }
  get status() { return this.#status; }
  get statusText() { return this.#statusText; }
  get ok() { return this.#status >= 200 && this.#status <= 299; }
  get headers() { return this[headersOf]; }
  get webSocket() { return this[webSocketOf]; }
  get redirected() { return false; }
  get url() { return ''; }
  get type() { return 'default'; }
  clone() {
    if (this[webSocketOf] !== null) throw new TypeError('clone(): a Response with a webSocket cannot be cloned');
    const copy = new Response(null, { status: this.#status, statusText: this.#statusText, headers: this[headersOf] });
    copy[body] = bodyClone(this);
    return copy;
  }
  get [Symbol.toStringTag]() { return 'Response'; }
}

/** Completes the Java answer with a Response; returns null, or why it cannot be sent. */
internal.respond = function respond(response, answer) {
  const b = contentOf(response);
  let content = null, offset = 0, length = 0;
  if (typeof b === 'string') content = b;
  else if (b instanceof Uint8Array) { content = b.buffer; offset = b.byteOffset; length = b.byteLength; }
  else if (b instanceof ReadableStream) return respondWhenRead(response, answer);
  else if (javaStreamOf(b) !== null) return respondWithJava(response, answer, javaStreamOf(b));
  else if (b !== null) { content = internal.arrayBuffer(bridge.bodyBytes(b)); length = content.byteLength; } // a received request's
  if (response.webSocket !== null && internal.notReturnable(response.webSocket) !== null) return internal.notReturnable(response.webSocket);
  const ws = response.webSocket === null ? null : internal.javaSocket(response.webSocket);
  return bridge.respond(answer, response.status, response.statusText === '' ? null : response.statusText,
      internal.flatHeaders(response.headers), content, offset, length, ws);
};

/**
 * A stream body goes to Java as it comes: the response (head) at once, then each chunk read from
 * the stream, the next read only once Java took the last (the client can take more).
 */
function respondWhenRead(response, answer) {
  if (response.bodyUsed) return 'the response body stream is locked or already read';
  const stream = contentOf(response);
  response[used] = true;
  const streams = internal.streamsBridge;
  const java = streams.newStream();
  const why = streams.respond(answer, java, response.status, response.statusText === '' ? null : response.statusText,
      internal.flatHeaders(response.headers));
  if (why !== null) return why;
  pumpInto(stream, java);
  return null;
}

/** A body Java writes goes to the client as Java writes it: the head at once, each chunk as the client takes it. */
function respondWithJava(response, answer, java) {
  if (response[used]) return 'the response body stream is locked or already read';
  response[used] = true;
  return internal.streamsBridge.respond(answer, java, response.status, response.statusText === '' ? null : response.statusText,
      internal.flatHeaders(response.headers));
}

/** What a request's body is, for fetch(): null, a string, a Uint8Array, a ReadableStream, a JavaBody, or a received Java request. */
internal.bodyOf = contentOf;

/** Whether a fetch's response body is still the origin's, as it comes: an aborted signal errors it. */
internal.bodyStreams = (response) => {
  const b = contentOf(response);
  return b instanceof JavaBody || b instanceof ReadableStream;
};

/** An aborted fetch's response: its body errors with the signal's reason (Java's side of it is failed apart). */
internal.abortBody = function abortBody(response, reason) {
  const b = contentOf(response);
  if (b instanceof ReadableStream) internal.errorJavaStream(b, reason);
  else if (b instanceof JavaBody && !response[used]) response[body] = new ReadableStream({ start(c) { c.error(reason); } });
};

/**
 * Takes a request's body for fetch() (it is used from now on): null, [buffer, offset, length] for
 * bytes, or a Java stream for one that comes as it is written: a Java-written body as it is, a
 * ReadableStream pumped into a new Java stream chunk by chunk, the next read once the origin's
 * connection took the last.
 */
internal.takeBody = async function takeBody(request) {
  const b = contentOf(request);
  if (b === null) return null;
  const java = javaStreamOf(b);
  if (java !== null || b instanceof ReadableStream) {
    if (request.bodyUsed) throw new TypeError('fetch: the request body has already been used');
    request[used] = true;
    return java ?? pump(b);
  }
  const bytes = new Uint8Array(await request.arrayBuffer());
  return [bytes.buffer, bytes.byteOffset, bytes.byteLength];
};

function pump(stream) {
  return pumpInto(stream, internal.streamsBridge.newStream());
}

/** Reads {@code stream} to its end into the Java stream {@code java}, each chunk as Java takes it; returns {@code java}. */
function pumpInto(stream, java) {
  const streams = internal.streamsBridge;
  const reader = stream.getReader();
  (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const chunk = typeof value === 'string' ? internal.bufferOf(internal.encoder.encode(value)) : internal.bufferOf(value);
      if (chunk === null) {
        throw new TypeError(`a body stream gave a ${value === null ? 'null' : typeof value} chunk (expected: a Uint8Array or an ArrayBuffer)`);
      }
      await streams.write(java, chunk[0], chunk[1], chunk[2]);
    }
    streams.close(java);
  })().catch((e) => {
    streams.abort(java, internal.describe(e));
    reader.cancel(e).catch(() => { });
  });
  return java;
}

for (const c of [Request, Response]) {
  Object.defineProperty(globalThis, c.name, { value: c, writable: true, configurable: true, enumerable: false });
}
