// Cloudflare's WebSocketPair and WebSocket over the Java API's: the Worker accepts its end (the
// server end), listens and sends; the client end goes back in a 101 Response and the edge
// connects it to the client. `new WebSocket(url, protocols)` opens one to an origin, as Cloudflare's
// runtime does: a subrequest that is fetch()'s WebSocket upgrade (the Java API's Fetch), accepted
// when the origin's 101 comes, then an open event. Events arrive on the thread of the socket's
// connection (a stateless Worker's event loop, or its object's), each a call into this realm.

const java = Symbol('java');
const token = Symbol('token');
const CONNECTING = 0, OPEN = 1, CLOSING = 2, CLOSED = 3;
/** A subprotocol is an HTTP token (RFC 6455 §4.1, item 10). */
const PROTOCOL_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What Cloudflare's runtime says in the close event of a socket whose connection was never made. */
const NOT_ESTABLISHED = 'Failed to establish websocket connection';

/** Whether a WebSocket was made by new WebSocket(url) (set by WebSocket's static block). */
let outboundOf;

const syntaxError = (message) => internal.domException(`WebSocket Constructor: ${message}`, 'SyntaxError');

/** RFC 6455 §7.4, as the Java API checks it: the codes an endpoint may send. */
const maySend = (code) => (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);

class WebSocket extends EventTarget {
  #binaryType = 'arraybuffer';
  #accepted = false;
  /** Events that came while the open event had not been dispatched yet; null otherwise. */
  #held = null;
  // new WebSocket(url) only: the URL, the state until the origin answered (then the Java socket's), what the origin chose
  #outbound = false;
  #url = null;
  #state = OPEN;
  #protocol = null;
  #extensions = null;
  /** close() was called before the connection was made. */
  #aborted = false;
  static { outboundOf = (ws) => ws.#outbound; }

  constructor(url, protocols = undefined) {
    super();
    if (url === token) return;
    if (arguments.length === 0) throw new TypeError("WebSocket: a url is required (expected: new WebSocket('wss://host/path'))");
    const target = URL.parse(String(url));
    if (target === null) throw syntaxError('The url is invalid.');
    if (target.protocol !== 'ws:' && target.protocol !== 'wss:') throw syntaxError('The url scheme must be ws or wss.');
    if (target.href.includes('#')) throw syntaxError('The url fragment must be empty.');
    const offered = protocols === undefined ? []
      : typeof protocols === 'object' && protocols !== null && typeof protocols[Symbol.iterator] === 'function'
        ? Array.from(protocols, String) : [String(protocols)];
    for (let i = 0; i < offered.length; i++) {
      if (!PROTOCOL_TOKEN.test(offered[i])) throw syntaxError(`The protocol '${offered[i]}' is not a token (RFC 6455).`);
      if (offered.indexOf(offered[i]) !== i) throw syntaxError(`The protocols repeat '${offered[i]}'.`);
    }
    const tooMany = bridge.subrequest();
    if (tooMany !== null) throw new Error(tooMany);
    this.#outbound = true;
    this.#url = target.href;
    this.#state = CONNECTING;
    this.#protocol = '';
    this.#extensions = '';
    // the upgrade goes out as http(s), without user info (Cloudflare's runtime drops it: send an Authorization header)
    target.username = '';
    target.password = '';
    const http = (target.protocol === 'ws:' ? 'http:' : 'https:') + target.href.slice(target.protocol.length);
    const headers = ['upgrade', 'websocket'];
    if (offered.length > 0) headers.push('sec-websocket-protocol', offered.join(', '));
    internal.fetchBridge.answer(internal.fetchBridge.send('GET', http, headers, null, 0, 0, null, true))
        .then((answer) => this.#connected(answer), (e) => this.#notConnected(`WebSocket connection to ${this.#url} failed: ${e.message}`));
  }
  static get CONNECTING() { return CONNECTING; }
  static get OPEN() { return OPEN; }
  static get CLOSING() { return CLOSING; }
  static get CLOSED() { return CLOSED; }
  get CONNECTING() { return CONNECTING; }
  get OPEN() { return OPEN; }
  get CLOSING() { return CLOSING; }
  get CLOSED() { return CLOSED; }
  get readyState() { return this[java] === undefined ? this.#state : bridge.readyState(this[java]); }
  get binaryType() { return this.#binaryType; }
  /** 'blob' or 'arraybuffer': how binary messages arrive from now on; any other value is ignored, as the standard says. */
  set binaryType(value) {
    if (value === 'blob' || value === 'arraybuffer') this.#binaryType = value;
  }
  get url() { return this.#url; }
  /** new WebSocket(url): '' while it connects, then the subprotocol the origin chose, null for none (as Cloudflare's). */
  get protocol() { return this.#protocol; }
  get extensions() { return this.#extensions; }

  /** The origin's answer to new WebSocket(url): a 101 with the Java socket opens this one; anything else fails it. */
  #connected(answer) {
    const fetchBridge = internal.fetchBridge;
    const javaSocket = fetchBridge.webSocket(answer);
    if (this.#aborted) {
      if (javaSocket !== null) bridge.close(javaSocket, 1000, '');
      return;
    }
    if (javaSocket === null) {
      this.#notConnected('Failed to establish the WebSocket connection: expected server to reply with HTTP status code 101 '
        + `(switching protocols), but received ${fetchBridge.status(answer)} instead.`);
      return;
    }
    const flat = fetchBridge.headers(answer);
    let protocol = null, extensions = null;
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const name = flat[i].toLowerCase();
      if (name === 'sec-websocket-protocol') protocol = flat[i + 1];
      else if (name === 'sec-websocket-extensions') extensions = flat[i + 1];
    }
    this.#protocol = protocol;
    this.#extensions = extensions;
    this[java] = javaSocket;
    this.#held = [];
    try {
      this.#listen();
      this.dispatchEvent(new Event('open'));
      while (this.#held.length > 0) this.#deliver(...this.#held.shift());
    } catch (e) {
      bridge.log('error', `A WebSocket listener threw: ${internal.describe(e)}`);
      bridge.close(javaSocket, 1011, '');
    } finally {
      this.#held = null;
    }
  }

  /** The connection was not made (or close() gave it up): an error event, then a close event with 1006. */
  #notConnected(message) {
    if (this.#state === CLOSED) return;
    this.#state = CLOSED;
    try {
      this.dispatchEvent(new ErrorEvent('error', { message, error: new Error(message) }));
      this.dispatchEvent(new CloseEvent('close', { code: 1006, reason: NOT_ESTABLISHED, wasClean: false }));
    } catch (e) {
      bridge.log('error', `A WebSocket listener threw: ${internal.describe(e)}`);
    }
  }

  /** Hands one of the Java socket's events to the listeners. */
  #deliver(type, a, b, c) {
    if (type === 'message') {
      let data = a;
      if (typeof a !== 'string') {
        data = internal.arrayBuffer(a); // over the message's own bytes: nothing else holds them
        if (this.#binaryType === 'blob') data = internal.blobOf(new Uint8Array(data));
      }
      this.dispatchEvent(new MessageEvent('message', { data }));
    } else if (type === 'close') {
      this.dispatchEvent(new CloseEvent('close', { code: a, reason: b, wasClean: c }));
    } else {
      this.dispatchEvent(new ErrorEvent('error', { message: a, error: new Error(a) }));
    }
  }

  #listen() {
    const why = bridge.accept(this[java], (type, a, b, c) => {
      if (this.#held !== null) this.#held.push([type, a, b, c]);
      else this.#deliver(type, a, b, c);
    });
    if (why !== null) throw new TypeError(`accept(): ${why}`);
    this.#accepted = true;
  }

  accept() {
    if (this.#outbound && this[java] === undefined) {
      throw new TypeError('accept(): a WebSocket made with new WebSocket(url) is accepted as it opens (expected: listen for its open event)');
    }
    if (this.#accepted) return;
    this.#listen();
  }
  send(data) {
    if (this[java] === undefined) {
      if (this.#state === CONNECTING) throw new TypeError('send(): this WebSocket is still connecting (expected: send once its open event came)');
      return; // its connection was never made: ignored, as Cloudflare's runtime does
    }
    let why;
    if (typeof data === 'string') {
      why = bridge.sendText(this[java], data);
    } else {
      const buffer = internal.bufferOf(data);
      if (buffer === null) {
        throw new TypeError(`send(): ${data === null ? 'null' : typeof data} (expected: a string, an ArrayBuffer or an ArrayBuffer view)`);
      }
      why = bridge.sendBytes(this[java], buffer[0], buffer[1], buffer[2]);
    }
    if (why !== null) throw new TypeError(`send(): ${why}`);
  }
  close(code, reason) {
    const c = code === undefined ? 1000 : Number(code);
    const r = reason === undefined ? '' : String(reason);
    if (this[java] === undefined) {
      if (!maySend(c)) throw new TypeError(`close(): code: ${code} (expected: 1000 to 1003, 1007 to 1014, or 3000 to 4999)`);
      const size = internal.encoder.encode(r).byteLength;
      if (size > 123) throw new TypeError(`close(): reason: ${size} bytes (expected: at most 123)`);
      if (this.#state !== CONNECTING) return;
      // Given up before the origin answered: the events come as for a connection that failed, after this call
      this.#aborted = true;
      this.#state = CLOSING;
      Promise.resolve().then(() => this.#notConnected('Called close before connection was established.'));
      return;
    }
    const why = bridge.close(this[java], c, r);
    if (why !== null) throw new TypeError(`close(): ${why}`);
  }
  get [Symbol.toStringTag]() { return 'WebSocket'; }
}

function socketOf(javaSocket) {
  const ws = new WebSocket(token);
  ws[java] = javaSocket;
  return ws;
}

/** A JavaScript WebSocket over a Java one (a hibernatable socket's after its object was evicted, a stub's answer, the Worker's end of a WebSocket fetch() opened). */
internal.socketOf = socketOf;

/** The Java WebSocket under a JavaScript one (undefined for new WebSocket(url) until it opens). */
internal.javaSocket = (ws) => ws[java];

/** Why a WebSocket cannot go back in a 101 Response, or null: one made with new WebSocket(url) is this Worker's, not the client's. */
internal.notReturnable = (ws) => outboundOf(ws)
  ? 'a WebSocket made with new WebSocket(url) cannot be returned in a Response (expected: the client end of a WebSocketPair)' : null;

class WebSocketPair {
  constructor() {
    const [client, server] = bridge.newPair();
    Object.defineProperty(this, 0, { value: socketOf(client), enumerable: true });
    Object.defineProperty(this, 1, { value: socketOf(server), enumerable: true });
  }
}

for (const c of [WebSocket, WebSocketPair]) {
  Object.defineProperty(globalThis, c.name, { value: c, writable: true, configurable: true, enumerable: false });
}
