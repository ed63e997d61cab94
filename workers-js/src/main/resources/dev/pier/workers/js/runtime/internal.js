// What the other runtime files share (on `internal`), the data modules' decoder, and console.

/** An error as the log shows it: its stack when it has one, with the name and message first. */
internal.describe = function describe(e) {
  if (e instanceof Error) {
    const head = `${e.name}: ${e.message}`;
    return typeof e.stack === 'string' && e.stack.length > 0 ? (e.stack.startsWith(head) ? e.stack : `${head}\n${e.stack}`) : head;
  }
  return `Uncaught ${internal.inspect(e)}`;
};

/** Fails a Java future with what the script threw: its description, and an Error's name and message. */
internal.reject = function reject(future, e) {
  const isError = e instanceof Error;
  bridge.reject(future, internal.describe(e), isError ? String(e.name) : null, isError ? String(e.message) : null);
};

const ERROR_TYPES = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };

/**
 * The Error a Durable Object's exception is at its caller, as Cloudflare's: the same name and
 * message, `remote` true, and `durableObjectReset` true when the failure reset the object.
 */
internal.remoteError = function remoteError(name, message, reset) {
  const C = ERROR_TYPES[name] ?? Error;
  const e = new C(message);
  if (C === Error && name !== 'Error') e.name = name;
  e.remote = true;
  if (reset) e.durableObjectReset = true;
  return e;
};

/** A value as console shows it: strings as they are, errors with their stack, the rest as JSON where it can. */
internal.inspect = function inspect(value) {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return internal.describe(value);
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    return String(value);
  }
  if (value instanceof ArrayBuffer) return `ArrayBuffer { byteLength: ${value.byteLength} }`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.length ?? value.byteLength}) [${Array.prototype.slice.call(value, 0, 32)}]`;
  if (value !== null && typeof value === 'object' && typeof value.toString === 'function'
      && value.toString !== Object.prototype.toString && !Array.isArray(value)) {
    return String(value);
  }
  try {
    const seen = new WeakSet();
    return JSON.stringify(value, (k, v) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (v !== null && typeof v === 'object') {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
      }
      return v;
    }) ?? String(value);
  } catch (e) {
    return String(value);
  }
};

/** Bytes of an ArrayBuffer or a view, as [buffer, offset, length]; null for anything else. */
internal.bufferOf = function bufferOf(data) {
  if (data instanceof ArrayBuffer) return [data, 0, data.byteLength];
  if (ArrayBuffer.isView(data)) return [data.buffer, data.byteOffset, data.byteLength];
  return null;
};

/** A Java ByteBuffer (the bridge's bytes) as an ArrayBuffer over the same memory. */
internal.arrayBuffer = function arrayBuffer(javaBytes) {
  return new ArrayBuffer(javaBytes);
};

/** A fresh ArrayBuffer with a copy of the bytes. */
internal.copyBuffer = function copyBuffer(buffer, offset, length) {
  return buffer.slice(offset, offset + length);
};

internal.encoder = new TextEncoder();
internal.decoder = new TextDecoder();

Object.defineProperty(globalThis, Symbol.for('pier.dataModule'), {
  value: (base64) => new ArrayBuffer(bridge.base64(base64)),
});

function logger(level) {
  return function (...args) {
    bridge.log(level, args.map(internal.inspect).join(' '));
  };
}

Object.defineProperty(globalThis, 'console', {
  value: Object.freeze({
    log: logger('log'), info: logger('info'), debug: logger('debug'), trace: logger('trace'),
    warn: logger('warn'), error: logger('error'),
  }),
  writable: true, configurable: true, enumerable: false,
});
