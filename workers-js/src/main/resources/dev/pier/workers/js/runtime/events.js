// Event and EventTarget as the DOM standard has them (what WebSocket's listeners need), and the
// events a WebSocket fires: MessageEvent, CloseEvent, ErrorEvent.

/** Whether stopImmediatePropagation() was called on an event (set by Event's static block). */
let stoppedOf;

class Event {
  #type;
  #stopped = false;
  static { stoppedOf = (event) => event.#stopped; }
  constructor(type, init = {}) {
    if (arguments.length === 0) throw new TypeError("Event: a type is required (expected: new Event('name'))");
    this.#type = String(type);
    this.cancelable = Boolean(init.cancelable);
    this.defaultPrevented = false;
    this.timeStamp = Date.now();
  }
  get type() { return this.#type; }
  preventDefault() { if (this.cancelable) this.defaultPrevented = true; }
  stopImmediatePropagation() { this.#stopped = true; }
  stopPropagation() { }
}

/** The event handler property of a type (`onmessage`, ...): named reads for a WebSocket's types, which the engine caches. */
function handlerOf(target, type) {
  return type === 'message' ? target.onmessage : type === 'close' ? target.onclose : type === 'error' ? target.onerror : target['on' + type];
}

class EventTarget {
  // by type, in a prototype-less object: a message's lookup is a cached property read, not a Map's hashing
  #listeners = Object.create(null);
  addEventListener(type, listener, options) {
    if (listener === null || listener === undefined) return;
    if (typeof listener !== 'function' && typeof listener?.handleEvent !== 'function') {
      throw new TypeError(`addEventListener: ${typeof listener} (expected: a function or an object with handleEvent)`);
    }
    const once = typeof options === 'object' && options !== null && Boolean(options.once);
    type = String(type);
    let list = this.#listeners[type];
    if (!list) this.#listeners[type] = list = [];
    if (!list.some((l) => l.listener === listener)) list.push({ listener, once });
  }
  removeEventListener(type, listener) {
    const list = this.#listeners[String(type)];
    if (!list) return;
    const i = list.findIndex((l) => l.listener === listener);
    if (i >= 0) list.splice(i, 1);
  }
  dispatchEvent(event) {
    if (!(event instanceof Event)) throw new TypeError('dispatchEvent: not an Event');
    const type = event.type;
    const handler = handlerOf(this, type);
    const list = this.#listeners[type];
    if (typeof handler === 'function') handler.call(this, event);
    if (list) {
      // the listeners when the dispatch began: one added meanwhile waits for the next event
      const n = list.length;
      const listeners = n === 1 ? list : list.slice();
      for (let i = 0; i < n; i++) {
        const l = listeners[i];
        if (l.once) this.removeEventListener(type, l.listener);
        if (typeof l.listener === 'function') l.listener.call(this, event); else l.listener.handleEvent(event);
        if (stoppedOf(event)) break;
      }
    }
    return !event.defaultPrevented;
  }
}

class MessageEvent extends Event {
  #data;
  constructor(type, init = {}) { super(type, init); this.#data = init.data; }
  get data() { return this.#data; }
}

class CloseEvent extends Event {
  #code; #reason; #wasClean;
  constructor(type, init = {}) {
    super(type, init);
    this.#code = init.code ?? 0;
    this.#reason = init.reason ?? '';
    this.#wasClean = Boolean(init.wasClean);
  }
  get code() { return this.#code; }
  get reason() { return this.#reason; }
  get wasClean() { return this.#wasClean; }
}

class ErrorEvent extends Event {
  #message; #error;
  constructor(type, init = {}) { super(type, init); this.#message = init.message ?? ''; this.#error = init.error; }
  get message() { return this.#message; }
  get error() { return this.#error; }
}

for (const c of [Event, EventTarget, MessageEvent, CloseEvent, ErrorEvent]) {
  Object.defineProperty(globalThis, c.name, { value: c, writable: true, configurable: true, enumerable: false });
}
