// Durable Objects in JavaScript, written against Cloudflare's documented API only:
//   /echo/NAME  a hibernating echo object: every message comes back, and the object may be evicted
//               between messages (its socket stays open; the next message constructs it again)
//   /chat/NAME  a chat room: everyone in the room gets each message, with the name the sender
//               joined with (?name=...), kept as the socket's attachment; the last 50 messages are
//               stored and replayed to whoever joins
import { DurableObject } from "cloudflare:workers";

export class EchoObject extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    // answered by the edge without waking the object
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  async fetch(request) {
    if (request.headers.get("Upgrade") !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  async webSocketMessage(ws, message) {
    ws.send(message);
  }

  async webSocketClose(ws, code, reason, wasClean) {
    if (wasClean) ws.close(code, reason); // 1005 and 1006 are never sent
  }
}

export class ChatRoom extends DurableObject {
  async fetch(request) {
    const url = new URL(request.url);
    if (request.headers.get("Upgrade") !== "websocket") {
      const history = (await this.ctx.storage.get("history")) ?? [];
      return Response.json({ room: url.pathname, members: this.ctx.getWebSockets().length, history });
    }
    const name = url.searchParams.get("name") ?? "anonymous";
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server, ["member", `name:${name}`]);
    server.serializeAttachment({ name, joined: new Date() });
    for (const line of (await this.ctx.storage.get("history")) ?? []) {
      server.send(line);
    }
    this.broadcast(`* ${name} joined`);
    return new Response(null, { status: 101, webSocket: client });
  }

  async webSocketMessage(ws, message) {
    const { name } = ws.deserializeAttachment();
    const line = `${name}: ${message}`;
    const history = (await this.ctx.storage.get("history")) ?? [];
    history.push(line);
    await this.ctx.storage.put("history", history.slice(-50));
    this.broadcast(line);
  }

  async webSocketClose(ws, code, reason, wasClean) {
    const { name } = ws.deserializeAttachment();
    if (wasClean) ws.close(code, reason);
    this.broadcast(`* ${name} left`);
  }

  broadcast(line) {
    for (const ws of this.ctx.getWebSockets("member")) {
      try {
        ws.send(line);
      } catch (e) {
        // a socket that is closing: its close event follows
      }
    }
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const [, kind, name] = url.pathname.split("/");
    const namespace = kind === "echo" ? env.ECHO : kind === "chat" ? env.ROOMS : null;
    if (namespace === null || !name) {
      return new Response("try /echo/NAME or /chat/NAME?name=YOU\n", { status: 404 });
    }
    return namespace.get(namespace.idFromName(name)).fetch(request);
  },
};
