import page from "./page.html";

export class ChatRoom {
  constructor(state, env) {
    this.state = state;
  }

  async fetch(request) {
    const count = ((await this.state.storage.get("count")) || 0) + 1;
    await this.state.storage.put("count", count);
    return new Response("room visit " + count);
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/chat/page") {
      return new Response(page, { headers: { "content-type": "text/html" } });
    }
    if (url.pathname.startsWith("/chat/room/")) {
      const room = env.ROOMS.get(env.ROOMS.idFromName(url.pathname.slice("/chat/room/".length)));
      return room.fetch(request);
    }
    return new Response(env.GREETING);
  },
};
