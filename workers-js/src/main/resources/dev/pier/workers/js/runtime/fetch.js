// The global fetch(): a subrequest to an origin through the Java API's Fetch (HTTP/HTTPS,
// redirects, timeouts), answered with a Response. A request with `Upgrade: websocket` that the
// origin accepts answers 101 with `response.webSocket`, the Worker's end, to accept() and use as
// any WebSocket. An AbortSignal rejects the promise with its reason.

const fetchBridge = internal.fetchBridge;
const NO_BODY = [101, 204, 205, 304];

function responseOf(java) {
  const status = fetchBridge.status(java);
  const ws = fetchBridge.webSocket(java);
  const headers = new Headers();
  const flat = fetchBridge.headers(java);
  for (let i = 0; i + 1 < flat.length; i += 2) headers.append(flat[i], flat[i + 1]);
  const bytes = fetchBridge.body(java);
  const content = bytes === null || NO_BODY.includes(status) ? null : new Uint8Array(internal.arrayBuffer(bytes));
  const statusText = fetchBridge.statusText(java);
  return new Response(content, {
    status, headers, statusText: statusText ?? undefined, webSocket: ws === null ? null : internal.socketOf(ws),
  });
}

async function fetch(input, init = undefined) {
  const request = new Request(input, init);
  const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined) ?? null;
  signal?.throwIfAborted();
  const redirect = request.redirect;
  if (!['follow', 'manual', 'error'].includes(redirect)) {
    throw new TypeError(`fetch: redirect '${redirect}' (expected: follow, manual or error)`);
  }
  const url = new URL(request.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`fetch: ${url.protocol} URL '${request.url}' (expected: http: or https:)`);
  }
  let content = null, offset = 0, length = 0;
  if (internal.bodyOf(request) !== null) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    content = bytes.buffer; offset = bytes.byteOffset; length = bytes.byteLength;
  }
  const sent = fetchBridge.fetch(request.method, request.url, internal.flatHeaders(request.headers), content, offset, length,
      redirect !== 'follow');
  const answered = sent.then(responseOf, (e) => { throw new TypeError(`fetch(${request.url}): ${e.message}`); });
  const response = signal === null ? await answered : await new Promise((resolve, reject) => {
    const aborted = () => reject(signal.reason);
    signal.addEventListener('abort', aborted, { once: true });
    answered.then(resolve, reject).finally(() => signal.removeEventListener('abort', aborted));
  });
  if (redirect === 'error' && response.status >= 300 && response.status < 400 && response.headers.has('location')) {
    throw new TypeError(`fetch(${request.url}): redirected to ${response.headers.get('location')} with redirect 'error'`);
  }
  return response;
}

Object.defineProperty(globalThis, 'fetch', { value: fetch, writable: true, configurable: true, enumerable: false });
