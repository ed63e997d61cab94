// The training run's JavaScript Worker (pier train): /worker echoes in the Worker itself, /do/<name> in a
// hibernatable Durable Object; anything else is a plain HTTP answer.
export class Room {
  constructor(state, env) { this.state = state; }
  async fetch(request) {
    const pair = new WebSocketPair();
    this.state.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }
  webSocketMessage(ws, msg) { ws.send(msg); }
  webSocketClose(ws, code, reason) { ws.close(); }
}
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.headers.get('Upgrade') !== 'websocket') return new Response(`hello from ${url.pathname}`, { status: 200 });
    if (url.pathname.startsWith('/js/do/')) return env.ROOM.get(env.ROOM.idFromName(url.pathname)).fetch(request);
    const pair = new WebSocketPair();
    const server = pair[1]; server.accept();
    server.addEventListener('message', e => server.send(e.data));
    server.addEventListener('close', () => server.close());
    return new Response(null, { status: 101, webSocket: pair[0] });
  }
};
