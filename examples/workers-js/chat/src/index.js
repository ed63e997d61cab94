// A chat application on Durable Objects, written against Cloudflare's documented Workers API only
// (the shape of Cloudflare's workers-chat-demo, with the WebSocket Hibernation API):
//
//   <prefix>/                           the page (chat.html, a text module); the room is its #hash
//   <prefix>/api/room/<name>/websocket  a WebSocket to the room <name>
//
// The Worker serves under whatever path its route gives it (/js-chat/ in wrangler.toml).
//
// The protocol, JSON both ways: the client's first message is {name}; the room then sends who is
// there ({joined} for each), the stored history (the last 100 {name, message, timestamp}) and
// {ready}. Later client messages are {message}; every member gets each as {name, message,
// timestamp}, in the order the room took them. {joined} and {quit} announce members; {error}
// answers a message the room refused (too long, or over the sender's rate limit).
import { DurableObject } from "cloudflare:workers";
import HTML from "./chat.html";

const HISTORY = 100;
const MAX_NAME = 32;
const MAX_MESSAGE = 256;
const RATE_LIMITED = "Your IP is being rate-limited, please try again later.";

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const api = url.pathname.indexOf("/api/");
    if (api >= 0) {
      return handleApiRequest(url.pathname.slice(api + "/api/".length).split("/"), request, env);
    }
    if (!url.pathname.endsWith("/")) {
      // the page's WebSocket URL is relative to it
      url.pathname += "/";
      return Response.redirect(url.toString(), 301);
    }
    return new Response(HTML, { headers: { "Content-Type": "text/html;charset=UTF-8" } });
  },
};

async function handleApiRequest(path, request, env) {
  if (path[0] !== "room" || !path[1] || path[2] !== "websocket" || path.length !== 3) {
    return new Response("Not found", { status: 404 });
  }
  const name = decodeURIComponent(path[1]);
  if (name.length > MAX_NAME) {
    return new Response("Name too long", { status: 404 });
  }
  if (request.headers.get("Upgrade") !== "websocket") {
    return new Response("expected a WebSocket upgrade", { status: 426 });
  }
  return env.rooms.get(env.rooms.idFromName(name)).fetch(request);
}

// =======================================================================================
// A room. Everything it knows about a member is the member's WebSocket attachment, and the
// history is in storage: the room may hibernate between messages and wake up with both.
export class ChatRoom extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.lastTimestamp = 0;
    // timestamps are the history's keys: a new one must come after the last stored one,
    // also when the object wakes up within the millisecond of its last message
    ctx.blockConcurrencyWhile(async () => {
      const last = await ctx.storage.list({ reverse: true, limit: 1 });
      for (const value of last.values()) {
        this.lastTimestamp = JSON.parse(value).timestamp;
      }
    });
  }

  async fetch(request) {
    const ip = request.headers.get("CF-Connecting-IP") ?? "unknown";
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ limiterId: this.env.limiters.idFromName(ip).toString(), name: null });
    return new Response(null, { status: 101, webSocket: client });
  }

  async webSocketMessage(ws, raw) {
    const member = ws.deserializeAttachment();
    let data;
    try {
      data = JSON.parse(raw);
    } catch (e) {
      ws.send(JSON.stringify({ error: "Messages are JSON." }));
      return;
    }
    if (member.name === null) {
      await this.join(ws, member, data);
      return;
    }
    const message = String(data.message ?? "");
    if (message.length > MAX_MESSAGE) {
      ws.send(JSON.stringify({ error: "Message too long." }));
      return;
    }
    if (!(await this.allowed(member))) {
      ws.send(JSON.stringify({ error: RATE_LIMITED }));
      return;
    }
    const timestamp = Math.max(Date.now(), this.lastTimestamp + 1);
    this.lastTimestamp = timestamp;
    const line = JSON.stringify({ name: member.name, message, timestamp });
    await this.ctx.storage.put(new Date(timestamp).toISOString(), line);
    this.broadcast(line);
  }

  async join(ws, member, data) {
    const name = String(data.name || "anonymous");
    if (name.length > MAX_NAME) {
      ws.send(JSON.stringify({ error: "Name too long." }));
      ws.close(1009, "Name too long.");
      return;
    }
    for (const other of this.members()) {
      ws.send(JSON.stringify({ joined: other.deserializeAttachment().name }));
    }
    const backlog = await this.ctx.storage.list({ reverse: true, limit: HISTORY });
    for (const line of [...backlog.values()].reverse()) {
      ws.send(line);
    }
    ws.serializeAttachment({ ...member, name });
    this.broadcast(JSON.stringify({ joined: name }));
    ws.send(JSON.stringify({ ready: true }));
  }

  /** Asks the sender's rate limiter (one per client IP, shared by every room) whether it may send now. */
  async allowed(member) {
    const limiter = this.env.limiters.get(this.env.limiters.idFromString(member.limiterId));
    const response = await limiter.fetch("https://limiter/", { method: "POST" });
    const { retryAfter } = await response.json();
    return retryAfter === 0;
  }

  async webSocketClose(ws, code, reason, wasClean) {
    this.leave(ws);
    if (wasClean) {
      ws.close(code, "Durable Object is closing WebSocket");
    }
  }

  async webSocketError(ws, error) {
    this.leave(ws);
  }

  leave(ws) {
    const { name } = ws.deserializeAttachment();
    if (name !== null) {
      this.broadcast(JSON.stringify({ quit: name }), ws);
    }
  }

  /** The WebSockets of members who gave their name (the others see nothing yet). */
  members() {
    return this.ctx.getWebSockets().filter((ws) => ws.deserializeAttachment().name !== null);
  }

  broadcast(line, except = null) {
    for (const ws of this.members()) {
      if (ws === except) continue;
      try {
        ws.send(line);
      } catch (e) {
        // a socket that is closing: its close event follows
      }
    }
  }
}

// =======================================================================================
// A rate limiter per client IP, shared by every room: one message a second on average, with a
// grace of ten seconds, so a burst of about ten messages passes and a flood does not. A POST
// counts a message, refused ones too (a client that keeps flooding stays refused); the answer is
// {retryAfter}: 0 when the message may go, else the seconds to wait.
export class RateLimiter extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.nextAllowedTime = 0;
  }

  async fetch(request) {
    const now = Date.now() / 1000;
    this.nextAllowedTime = Math.max(now, this.nextAllowedTime);
    const retryAfter = Math.max(0, this.nextAllowedTime - now - 10);
    if (request.method === "POST") {
      this.nextAllowedTime += 1;
    }
    return Response.json({ retryAfter });
  }
}
