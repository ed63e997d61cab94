// Cloudflare's WebSocketPair and WebSocket over the Java API's: the Worker accepts its end (the
// server end), listens and sends; the client end goes back in a 101 Response and the edge
// connects it to the client. Events arrive on the connection's thread, each a call into this realm.

const java = Symbol('java');
const token = Symbol('token');

class WebSocket extends EventTarget {
  #binaryType = 'arraybuffer';
  #accepted = false;
  constructor(url) {
    super();
    if (url !== token) {
      throw new TypeError('new WebSocket(url) is not there yet (expected: new WebSocketPair(), or fetch() with Upgrade: websocket)');
    }
  }
  static get CONNECTING() { return 0; }
  static get OPEN() { return 1; }
  static get CLOSING() { return 2; }
  static get CLOSED() { return 3; }
  get CONNECTING() { return 0; }
  get OPEN() { return 1; }
  get CLOSING() { return 2; }
  get CLOSED() { return 3; }
  get readyState() { return bridge.readyState(this[java]); }
  get binaryType() { return this.#binaryType; }
  set binaryType(value) {
    if (value === 'blob') throw new TypeError("binaryType 'blob' is not there yet (expected: 'arraybuffer')");
    if (value === 'arraybuffer') this.#binaryType = value;
  }
  get url() { return null; }
  get protocol() { return null; }
  get extensions() { return null; }
  accept() {
    if (this.#accepted) return;
    const self = this;
    const why = bridge.accept(this[java], function dispatch(type, a, b, c) {
      if (type === 'message') {
        self.dispatchEvent(new MessageEvent('message', { data: typeof a === 'string' ? a : internal.arrayBuffer(a) }));
      } else if (type === 'close') {
        self.dispatchEvent(new CloseEvent('close', { code: a, reason: b, wasClean: c }));
      } else {
        self.dispatchEvent(new ErrorEvent('error', { message: a, error: new Error(a) }));
      }
    });
    if (why !== null) throw new TypeError(`accept(): ${why}`);
    this.#accepted = true;
  }
  send(data) {
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
    const why = bridge.close(this[java], code === undefined ? 1000 : Number(code), reason === undefined ? '' : String(reason));
    if (why !== null) throw new TypeError(`close(): ${why}`);
  }
  get [Symbol.toStringTag]() { return 'WebSocket'; }
}

function socketOf(javaSocket) {
  const ws = new WebSocket(token);
  ws[java] = javaSocket;
  return ws;
}

/** A JavaScript WebSocket over a Java one (a hibernatable socket's after its object was evicted, a stub's answer). */
internal.socketOf = socketOf;

/** The Java WebSocket under a JavaScript one. */
internal.javaSocket = (ws) => ws[java];

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
