// ReadableStream, WritableStream and TransformStream as the WHATWG Streams standard has them for
// what Workers do with bodies: a source's start/pull/cancel, a default reader, async iteration,
// tee, pipeTo/pipeThrough, a sink's start/write/close/abort behind a writer, and a transform's
// transform/flush. Queues count chunks (highWaterMark, default 1 for readable, 1 for writable).

const state = Symbol('state');

function settled() {
  let resolve, reject;
  const promise = new Promise((a, b) => { resolve = a; reject = b; });
  promise.catch(() => { });
  return { promise, resolve, reject };
}

class ReadableStreamDefaultController {
  #stream;
  constructor(stream) { this.#stream = stream; }
  get desiredSize() {
    const s = this.#stream[state];
    if (s.state === 'errored') return null;
    if (s.state === 'closed') return 0;
    return s.highWaterMark - s.queue.length;
  }
  enqueue(chunk) {
    const s = this.#stream[state];
    if (s.closeRequested || s.state !== 'readable') throw new TypeError('enqueue: the stream is closed or closing');
    if (s.reads.length > 0) s.reads.shift().resolve({ value: chunk, done: false });
    else s.queue.push(chunk);
    pullIfNeeded(this.#stream);
  }
  close() {
    const s = this.#stream[state];
    if (s.closeRequested || s.state !== 'readable') throw new TypeError('close: the stream is closed or closing');
    s.closeRequested = true;
    if (s.queue.length === 0) finishClose(this.#stream);
  }
  error(e) {
    errorStream(this.#stream, e);
  }
}

function finishClose(stream) {
  const s = stream[state];
  s.state = 'closed';
  for (const r of s.reads.splice(0)) r.resolve({ value: undefined, done: true });
  s.closed.resolve();
}

function errorStream(stream, e) {
  const s = stream[state];
  if (s.state !== 'readable') return;
  s.state = 'errored';
  s.error = e;
  s.queue.length = 0;
  for (const r of s.reads.splice(0)) r.reject(e);
  s.closed.reject(e);
}

function pullIfNeeded(stream) {
  const s = stream[state];
  if (!s.started || s.state !== 'readable' || s.closeRequested || typeof s.source.pull !== 'function') return;
  if (s.queue.length >= s.highWaterMark && s.reads.length === 0) return;
  if (s.pulling) { s.pullAgain = true; return; }
  s.pulling = true;
  Promise.resolve().then(() => s.source.pull.call(s.source, s.controller)).then(() => {
    s.pulling = false;
    if (s.pullAgain) { s.pullAgain = false; pullIfNeeded(stream); }
  }, (e) => errorStream(stream, e));
}

class ReadableStream {
  constructor(source = {}, strategy = {}) {
    source = source ?? {};
    if (source.type !== undefined && source.type !== 'bytes') throw new RangeError(`ReadableStream: type '${source.type}' (expected: undefined or 'bytes')`);
    const highWaterMark = strategy?.highWaterMark === undefined ? (source.type === 'bytes' ? 0 : 1) : Number(strategy.highWaterMark);
    if (Number.isNaN(highWaterMark) || highWaterMark < 0) throw new RangeError(`ReadableStream: highWaterMark ${strategy.highWaterMark} (expected: >= 0)`);
    this[state] = {
      state: 'readable', queue: [], reads: [], source, highWaterMark, started: false, pulling: false, pullAgain: false,
      closeRequested: false, error: undefined, reader: null, disturbed: false, closed: settled(),
    };
    const s = this[state];
    s.controller = new ReadableStreamDefaultController(this);
    Promise.resolve(typeof source.start === 'function' ? source.start.call(source, s.controller) : undefined).then(() => {
      s.started = true;
      pullIfNeeded(this);
    }, (e) => errorStream(this, e));
  }
  get locked() { return this[state].reader !== null; }
  getReader(options) {
    if (options?.mode !== undefined) throw new RangeError(`getReader: mode '${options.mode}' (expected: none; BYOB readers are not supported)`);
    return new ReadableStreamDefaultReader(this);
  }
  cancel(reason) {
    if (this.locked) return Promise.reject(new TypeError('cancel: the stream is locked to a reader'));
    return cancelStream(this, reason);
  }
  tee() {
    const reader = this.getReader();
    const branches = [];
    let reading = false;
    const pull = () => {
      if (reading) return Promise.resolve();
      reading = true;
      return reader.read().then(({ value, done }) => {
        reading = false;
        for (const b of branches) {
          if (b[state].state !== 'readable' || b[state].closeRequested) continue;
          if (done) b[state].controller.close(); else b[state].controller.enqueue(value);
        }
      }, (e) => { for (const b of branches) errorStream(b, e); });
    };
    for (let i = 0; i < 2; i++) branches.push(new ReadableStream({ pull }));
    return branches;
  }
  pipeTo(destination, options = {}) {
    if (!(destination instanceof WritableStream)) return Promise.reject(new TypeError('pipeTo: destination (expected: a WritableStream)'));
    const reader = this.getReader();
    const writer = destination.getWriter();
    const step = () => reader.read().then(({ value, done }) => {
      if (done) return options?.preventClose ? undefined : writer.close();
      return writer.write(value).then(step);
    });
    return step().then(() => { reader.releaseLock(); writer.releaseLock(); }, (e) => {
      if (!options?.preventAbort) writer.abort(e).catch(() => { });
      reader.releaseLock();
      writer.releaseLock();
      throw e;
    });
  }
  pipeThrough(transform, options) {
    this.pipeTo(transform.writable, options).catch(() => { });
    return transform.readable;
  }
  values(options) {
    const reader = this.getReader();
    const preventCancel = Boolean(options?.preventCancel);
    return {
      next() { return reader.read().then((r) => { if (r.done) reader.releaseLock(); return r; }); },
      return(value) {
        const done = preventCancel ? Promise.resolve() : reader.cancel(value);
        return done.then(() => { reader.releaseLock(); return { value, done: true }; });
      },
      [Symbol.asyncIterator]() { return this; },
    };
  }
  [Symbol.asyncIterator](options) { return this.values(options); }
  static from(iterable) {
    const iterator = (iterable[Symbol.asyncIterator] ?? iterable[Symbol.iterator]).call(iterable);
    return new ReadableStream({
      async pull(c) {
        const { value, done } = await iterator.next();
        if (done) c.close(); else c.enqueue(value);
      },
      async cancel(reason) { await iterator.return?.(reason); },
    }, { highWaterMark: 0 });
  }
  get [Symbol.toStringTag]() { return 'ReadableStream'; }
}

function cancelStream(stream, reason) {
  const s = stream[state];
  s.disturbed = true;
  if (s.state === 'closed') return Promise.resolve();
  if (s.state === 'errored') return Promise.reject(s.error);
  s.queue.length = 0;
  finishClose(stream);
  return Promise.resolve(typeof s.source.cancel === 'function' ? s.source.cancel.call(s.source, reason) : undefined).then(() => undefined);
}

class ReadableStreamDefaultReader {
  #stream;
  constructor(stream) {
    if (!(stream instanceof ReadableStream)) throw new TypeError('ReadableStreamDefaultReader: stream (expected: a ReadableStream)');
    if (stream.locked) throw new TypeError('getReader: the stream is already locked to a reader');
    stream[state].reader = this;
    this.#stream = stream;
  }
  get closed() { return this.#stream === null ? Promise.reject(new TypeError('closed: the reader was released')) : this.#stream[state].closed.promise; }
  read() {
    if (this.#stream === null) return Promise.reject(new TypeError('read: the reader was released'));
    const stream = this.#stream;
    const s = stream[state];
    s.disturbed = true;
    if (s.queue.length > 0) {
      const value = s.queue.shift();
      if (s.closeRequested && s.queue.length === 0) finishClose(stream);
      else pullIfNeeded(stream);
      return Promise.resolve({ value, done: false });
    }
    if (s.state === 'closed') return Promise.resolve({ value: undefined, done: true });
    if (s.state === 'errored') return Promise.reject(s.error);
    const read = settled();
    s.reads.push(read);
    pullIfNeeded(stream);
    return read.promise;
  }
  releaseLock() {
    if (this.#stream === null) return;
    const s = this.#stream[state];
    for (const r of s.reads.splice(0)) r.reject(new TypeError('read: the reader was released'));
    s.reader = null;
    this.#stream = null;
  }
  cancel(reason) {
    if (this.#stream === null) return Promise.reject(new TypeError('cancel: the reader was released'));
    return cancelStream(this.#stream, reason);
  }
  get [Symbol.toStringTag]() { return 'ReadableStreamDefaultReader'; }
}

class WritableStream {
  constructor(sink = {}, strategy = {}) {
    sink = sink ?? {};
    const highWaterMark = strategy?.highWaterMark === undefined ? 1 : Number(strategy.highWaterMark);
    this[state] = { state: 'writable', sink, writer: null, chain: null, pending: 0, highWaterMark, error: undefined, closed: settled() };
    const s = this[state];
    const controller = { error: (e) => { if (s.state === 'writable') { s.state = 'errored'; s.error = e; s.closed.reject(e); } },
      signal: new AbortController().signal };
    s.controller = controller;
    s.chain = Promise.resolve(typeof sink.start === 'function' ? sink.start.call(sink, controller) : undefined)
        .catch((e) => controller.error(e));
  }
  get locked() { return this[state].writer !== null; }
  getWriter() { return new WritableStreamDefaultWriter(this); }
  close() {
    if (this.locked) return Promise.reject(new TypeError('close: the stream is locked to a writer'));
    return closeWritable(this);
  }
  abort(reason) {
    if (this.locked) return Promise.reject(new TypeError('abort: the stream is locked to a writer'));
    return abortWritable(this, reason);
  }
  get [Symbol.toStringTag]() { return 'WritableStream'; }
}

function enqueueSink(stream, call) {
  const s = stream[state];
  s.pending++;
  const done = s.chain.then(() => {
    if (s.state === 'errored') throw s.error;
    return call();
  });
  s.chain = done.then(() => { s.pending--; }, (e) => {
    s.pending--;
    if (s.state !== 'errored') { s.state = 'errored'; s.error = e; s.closed.reject(e); }
  });
  return done;
}

function closeWritable(stream) {
  const s = stream[state];
  if (s.state !== 'writable') return Promise.reject(new TypeError(`close: the stream is ${s.state}`));
  s.state = 'closing';
  return enqueueSink(stream, () => (typeof s.sink.close === 'function' ? s.sink.close.call(s.sink) : undefined)).then(() => {
    s.state = 'closed';
    s.closed.resolve();
  });
}

function abortWritable(stream, reason) {
  const s = stream[state];
  if (s.state === 'closed' || s.state === 'errored') return Promise.resolve();
  s.state = 'errored';
  s.error = reason;
  s.closed.reject(reason);
  return Promise.resolve(typeof s.sink.abort === 'function' ? s.sink.abort.call(s.sink, reason) : undefined).then(() => undefined);
}

class WritableStreamDefaultWriter {
  #stream;
  constructor(stream) {
    if (!(stream instanceof WritableStream)) throw new TypeError('WritableStreamDefaultWriter: stream (expected: a WritableStream)');
    if (stream.locked) throw new TypeError('getWriter: the stream is already locked to a writer');
    stream[state].writer = this;
    this.#stream = stream;
  }
  #live(who) {
    if (this.#stream === null) throw new TypeError(`${who}: the writer was released`);
    return this.#stream;
  }
  get closed() { try { return this.#live('closed')[state].closed.promise; } catch (e) { return Promise.reject(e); } }
  get ready() { try { const s = this.#live('ready')[state]; return s.state === 'errored' ? Promise.reject(s.error) : s.chain; } catch (e) { return Promise.reject(e); } }
  get desiredSize() { const s = this.#live('desiredSize')[state]; return s.state === 'errored' ? null : s.highWaterMark - s.pending; }
  write(chunk) {
    try {
      const stream = this.#live('write');
      const s = stream[state];
      if (s.state !== 'writable') return Promise.reject(s.state === 'errored' ? s.error : new TypeError(`write: the stream is ${s.state}`));
      return enqueueSink(stream, () => (typeof s.sink.write === 'function' ? s.sink.write.call(s.sink, chunk, s.controller) : undefined))
          .then(() => undefined);
    } catch (e) {
      return Promise.reject(e);
    }
  }
  close() { try { return closeWritable(this.#live('close')); } catch (e) { return Promise.reject(e); } }
  abort(reason) { try { return abortWritable(this.#live('abort'), reason); } catch (e) { return Promise.reject(e); } }
  releaseLock() {
    if (this.#stream === null) return;
    this.#stream[state].writer = null;
    this.#stream = null;
  }
  get [Symbol.toStringTag]() { return 'WritableStreamDefaultWriter'; }
}

class TransformStream {
  #readable; #writable;
  constructor(transformer = {}, writableStrategy, readableStrategy) {
    transformer = transformer ?? {};
    let readableController;
    this.#readable = new ReadableStream({ start(c) { readableController = c; } }, readableStrategy ?? { highWaterMark: 0 });
    const controller = {
      enqueue: (chunk) => readableController.enqueue(chunk),
      error: (e) => { readableController.error(e); },
      terminate: () => { try { readableController.close(); } catch (e) { /* already closed */ } },
      get desiredSize() { return readableController.desiredSize; },
    };
    const start = typeof transformer.start === 'function' ? transformer.start.call(transformer, controller) : undefined;
    this.#writable = new WritableStream({
      start: () => start,
      write: (chunk) => (typeof transformer.transform === 'function' ? transformer.transform.call(transformer, chunk, controller)
          : controller.enqueue(chunk)),
      close: async () => {
        if (typeof transformer.flush === 'function') await transformer.flush.call(transformer, controller);
        controller.terminate();
      },
      abort: (reason) => readableController.error(reason),
    }, writableStrategy);
  }
  get readable() { return this.#readable; }
  get writable() { return this.#writable; }
  get [Symbol.toStringTag]() { return 'TransformStream'; }
}

/** Every chunk of a stream, as one Uint8Array; a chunk that is not bytes (or a string) fails it. */
internal.readAll = async function readAll(stream) {
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const chunk = typeof value === 'string' ? internal.encoder.encode(value) : internal.bufferOf(value);
    if (chunk === null) throw new TypeError(`a body stream gave a ${value === null ? 'null' : typeof value} chunk (expected: a Uint8Array or an ArrayBuffer)`);
    const bytes = chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk[0], chunk[1], chunk[2]);
    chunks.push(bytes.slice());
    total += bytes.byteLength;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
};

/** A stream of one chunk (a copy of the bytes), or of none. */
internal.streamOf = function streamOf(bytes) {
  return new ReadableStream({
    start(c) {
      if (bytes.byteLength > 0) c.enqueue(bytes);
      c.close();
    },
  }, { highWaterMark: 0 });
};

internal.isDisturbed = (stream) => stream[state].disturbed;

const javaSource = Symbol('javaSource');

/**
 * A stream of a body Java writes (a received request's, an origin's): each chunk a Uint8Array over
 * the Java bytes. Nothing is asked of Java before the first read, and each chunk the script has not
 * read holds the writer back (the edge stops reading the client or the origin), so at most one
 * chunk waits here. Cancelling it tells the writer to stop.
 */
internal.javaStream = function javaStream(java) {
  const streams = internal.streamsBridge;
  let feed = null;
  let controller;
  const stream = new ReadableStream({
    start(c) { controller = c; },
    pull(c) {
      if (feed !== null) {
        streams.more(feed);
        return;
      }
      feed = streams.read(java, (bytes) => {
        try {
          c.enqueue(new Uint8Array(internal.arrayBuffer(bytes)));
          return c.desiredSize >= 0; // handed straight to a read waiting for it
        } catch (e) {
          return true; // the script cancelled the stream: the chunk is dropped
        }
      }, () => {
        try { c.close(); } catch (e) { /* cancelled */ }
      }, (reason) => c.error(new TypeError(reason)));
    },
    cancel(reason) {
      streams.cancel(java, reason === undefined ? 'the body stream was cancelled' : internal.inspect(reason));
    },
  }, { highWaterMark: 0 });
  stream[javaSource] = java;
  stream[javaError] = (reason) => controller.error(reason);
  return stream;
};

const javaError = Symbol('javaError');

/** Errors a stream javaStream made with {@code reason} (an aborted fetch's); false for any other stream. */
internal.errorJavaStream = function errorJavaStream(stream, reason) {
  const error = stream[javaError];
  if (error === undefined) return false;
  error(reason);
  return true;
};

/**
 * The Java body under a stream javaStream made, when the script has not touched it: the stream is
 * marked read, and the Java body goes on as it is (from an origin to the client) without a turn
 * through JavaScript per chunk. Null for any other stream.
 */
internal.takeJavaSource = function takeJavaSource(stream) {
  const java = stream[javaSource];
  if (java === undefined || stream.locked || stream[state].disturbed) return null;
  stream[state].disturbed = true;
  return java;
};

for (const c of [ReadableStream, ReadableStreamDefaultReader, ReadableStreamDefaultController, WritableStream, WritableStreamDefaultWriter,
  TransformStream]) {
  Object.defineProperty(globalThis, c.name, { value: c, writable: true, configurable: true, enumerable: false });
}
