// A request into the script's fetch, and its answer back to Java: env, ctx.waitUntil, and the
// promise the handler returns.

internal.makeEnv = function makeEnv(names, values, namespaces) {
  const env = {};
  for (let i = 0; i < names.length; i++) env[names[i]] = namespaces[i] !== null ? internal.namespaceOf(namespaces[i]) : values[i];
  return env;
};

function settleJava(future, promise) {
  Promise.resolve(promise).then(() => bridge.settle(future, null), (e) => internal.reject(future, e));
}

function contextOf(javaCtx) {
  return {
    waitUntil(promise) { settleJava(bridge.waitUntil(javaCtx), promise); },
    passThroughOnException() { },
  };
}

function answer(response, future) {
  if (!(response instanceof Response)) {
    const what = response === null ? 'null' : typeof response === 'object' ? (response.constructor?.name ?? 'object') : typeof response;
    bridge.fail(future, `TypeError: fetch() answered ${what} (expected: a Response)`);
    return;
  }
  let why;
  try {
    why = internal.respond(response, future);
  } catch (e) {
    why = internal.describe(e);
  }
  if (why !== null) bridge.fail(future, why.includes(':') ? why : `TypeError: ${why}`);
}

internal.dispatchFetch = function dispatchFetch(handler, javaRequest, env, javaCtx, future) {
  let result;
  try {
    result = handler.fetch(internal.requestOf(javaRequest), env, contextOf(javaCtx));
  } catch (e) {
    internal.reject(future, e);
    return;
  }
  if (result instanceof Response) {
    answer(result, future);
    return;
  }
  Promise.resolve(result).then((r) => answer(r, future), (e) => internal.reject(future, e));
};
