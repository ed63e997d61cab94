// The global fetch(): a subrequest to an origin through the Java API's Fetch (HTTP/HTTPS,
// redirects, timeouts), answered with a Response at the origin's response head, its body a stream
// Java writes as the origin sends it. A stream body is sent chunked as it is read. A request with
// `Upgrade: websocket` that the origin accepts answers 101 with `response.webSocket`, the Worker's
// end, to accept() and use as any WebSocket. An AbortSignal ends the subrequest (its connection
// closes): the promise rejects with the signal's reason, or, once the response came, its body
// errors with it.

const fetchBridge = internal.fetchBridge;
const NO_BODY = [101, 204, 205, 304];

function responseOf(java) {
  const status = fetchBridge.status(java);
  const ws = fetchBridge.webSocket(java);
  const headers = new Headers();
  const flat = fetchBridge.headers(java);
  for (let i = 0; i + 1 < flat.length; i += 2) headers.append(flat[i], flat[i + 1]);
  const stream = fetchBridge.bodyStream(java);
  const bytes = stream === null ? fetchBridge.body(java) : null;
  let content = null;
  if (NO_BODY.includes(status)) {
    if (stream !== null) internal.streamsBridge.cancel(stream, 'a response without a body');
  } else if (stream !== null) {
    content = internal.javaStream(stream);
  } else if (bytes !== null) {
    content = new Uint8Array(internal.arrayBuffer(bytes));
  }
  const statusText = fetchBridge.statusText(java);
  return new Response(content, {
    status, headers, statusText: statusText ?? undefined, webSocket: ws === null ? null : internal.socketOf(ws),
  });
}

async function fetch(input, init = undefined) {
  const request = new Request(input, init);
  const signal = request.signal;
  signal.throwIfAborted();
  const redirect = request.redirect;
  if (!['follow', 'manual', 'error'].includes(redirect)) {
    throw new TypeError(`fetch: redirect '${redirect}' (expected: follow, manual or error)`);
  }
  const url = new URL(request.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`fetch: ${url.protocol} URL '${request.url}' (expected: http: or https:)`);
  }
  const taken = await internal.takeBody(request);
  const [content, offset, length] = Array.isArray(taken) ? taken : [null, 0, 0];
  const subrequest = fetchBridge.send(request.method, request.url, internal.flatHeaders(request.headers), content, offset, length,
      Array.isArray(taken) ? null : taken, redirect !== 'follow');
  let bodyJava = null;
  const answered = fetchBridge.answer(subrequest).then((java) => {
    bodyJava = fetchBridge.bodyStream(java);
    return responseOf(java);
  }, (e) => { throw new TypeError(`fetch(${request.url}): ${e.message}`); });
  let response = null;
  const aborted = () => {
    fetchBridge.cancel(subrequest);
    if (response !== null) internal.abortBody(response, signal.reason);
    if (bodyJava !== null) internal.streamsBridge.fail(bodyJava, `the fetch was aborted: ${internal.inspect(signal.reason)}`);
  };
  signal.addEventListener('abort', aborted, { once: true });
  try {
    response = await new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      answered.then(resolve, reject);
    });
  } catch (e) {
    signal.removeEventListener('abort', aborted);
    throw e;
  }
  if (!internal.bodyStreams(response)) signal.removeEventListener('abort', aborted);
  if (redirect === 'error' && response.status >= 300 && response.status < 400 && response.headers.has('location')) {
    if (bodyJava !== null) internal.streamsBridge.cancel(bodyJava, 'the fetch does not follow redirects');
    throw new TypeError(`fetch(${request.url}): redirected to ${response.headers.get('location')} with redirect 'error'`);
  }
  return response;
}

Object.defineProperty(globalThis, 'fetch', { value: fetch, writable: true, configurable: true, enumerable: false });
