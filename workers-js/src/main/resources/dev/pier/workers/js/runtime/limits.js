// Cloudflare's subrequest limit: each fetch() counts against the invocation it runs for, and the
// one past the limit rejects with "Too many subrequests." before anything is sent. This file runs
// after the one that defines fetch, and wraps it.

const send = globalThis.fetch;
if (typeof send === 'function') {
  const fetch = function fetch(input, init) {
    const why = bridge.subrequest();
    if (why !== null) return Promise.reject(new Error(why));
    return Reflect.apply(send, this, arguments);
  };
  Object.defineProperty(globalThis, 'fetch', { value: fetch, writable: true, configurable: true, enumerable: false });
}
