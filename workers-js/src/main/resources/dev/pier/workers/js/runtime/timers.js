// setTimeout / setInterval and their clears, as the HTML standard's timers: each callback runs
// later on the event loop the script's context belongs to (the Java API's Timers), as a task of
// its own; a timer keeps running after its request answered. AbortController and AbortSignal.

const timers = new Map(); // id → Java future
let nextId = 1;

function schedule(callback, delay, args, repeat) {
  if (typeof callback !== 'function') {
    throw new TypeError(`${repeat ? 'setInterval' : 'setTimeout'}: ${typeof callback} (expected: a function; strings are not evaluated)`);
  }
  let ms = Number(delay);
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  const id = nextId++;
  const run = () => {
    if (!timers.has(id)) return;
    if (repeat) timers.set(id, internal.timersBridge.schedule(run, ms));
    else timers.delete(id);
    try {
      callback(...args);
    } catch (e) {
      bridge.log('error', `Uncaught (in timer) ${internal.describe(e)}`);
    }
  };
  timers.set(id, internal.timersBridge.schedule(run, ms));
  return id;
}

function clear(id) {
  const future = timers.get(Number(id));
  if (future !== undefined) {
    timers.delete(Number(id));
    internal.timersBridge.cancel(future);
  }
}

function setTimeout(callback, delay = 0, ...args) { return schedule(callback, delay, args, false); }
function setInterval(callback, delay = 0, ...args) { return schedule(callback, delay, args, true); }
function clearTimeout(id) { clear(id); }
function clearInterval(id) { clear(id); }

for (const f of [setTimeout, setInterval, clearTimeout, clearInterval]) {
  Object.defineProperty(globalThis, f.name, { value: f, writable: true, configurable: true, enumerable: false });
}

const signalToken = Symbol('signalToken');
const abortSignal = Symbol('abort');

class AbortSignal extends EventTarget {
  #aborted = false;
  #reason = undefined;
  constructor(token) {
    super();
    if (token !== signalToken) throw new TypeError('AbortSignal: Illegal constructor (expected: new AbortController().signal)');
  }
  get aborted() { return this.#aborted; }
  get reason() { return this.#reason; }
  throwIfAborted() { if (this.#aborted) throw this.#reason; }
  [abortSignal](reason) {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason === undefined ? internal.domException('The operation was aborted.', 'AbortError') : reason;
    this.dispatchEvent(new Event('abort'));
  }
  static abort(reason) {
    const s = new AbortSignal(signalToken);
    s[abortSignal](reason);
    return s;
  }
  static timeout(ms) {
    const s = new AbortSignal(signalToken);
    setTimeout(() => s[abortSignal](internal.domException('The operation timed out.', 'TimeoutError')), ms);
    return s;
  }
  static any(signals) {
    const s = new AbortSignal(signalToken);
    for (const other of signals) {
      if (other.aborted) { s[abortSignal](other.reason); return s; }
    }
    for (const other of signals) other.addEventListener('abort', () => s[abortSignal](other.reason), { once: true });
    return s;
  }
  get [Symbol.toStringTag]() { return 'AbortSignal'; }
}

class AbortController {
  #signal = new AbortSignal(signalToken);
  get signal() { return this.#signal; }
  abort(reason) { this.#signal[abortSignal](reason); }
  get [Symbol.toStringTag]() { return 'AbortController'; }
}

for (const c of [AbortSignal, AbortController]) {
  Object.defineProperty(globalThis, c.name, { value: c, writable: true, configurable: true, enumerable: false });
}
