// The hibernating echo Durable Object of the Autobahn run, in JavaScript, written against
// Cloudflare's documented API only: the twin of the Java API's EchoRoomWorker and EchoRoom
// (examples/workers), so both runs fuzz the same behaviour. Every request goes to the EchoRoom
// named by its path's last segment; the object accepts each WebSocket with the Hibernation API
// and sends every message back as it came (text as text, binary as binary) from whichever
// instance the message wakes.
import { DurableObject } from "cloudflare:workers";

export class EchoRoom extends DurableObject {
  async fetch(request) {
    if (request.headers.get("Upgrade") !== "websocket") {
      return new Response("Connect a WebSocket to this URL: every message comes back.\n", { status: 426 });
    }
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  webSocketMessage(ws, message) {
    ws.send(message);
  }
}

export default {
  fetch(request, env) {
    const name = new URL(request.url).pathname.split("/").pop();
    return env.ECHO.get(env.ECHO.idFromName(name)).fetch(request);
  },
};
