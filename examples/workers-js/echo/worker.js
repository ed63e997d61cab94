// An echo WebSocket Worker in JavaScript, written against Cloudflare's API only: every message
// comes back as it came (text as text, binary as binary); "close <code> <reason>" closes with that
// code. A plain HTTP request gets the page imported below, as Cloudflare's examples serve theirs.
import page from "./page.html";

export default {
  async fetch(request, env, ctx) {
    if (request.headers.get("Upgrade") !== "websocket") {
      return new Response(page.replace("{{HINT}}", env.HINT ?? ""), {
        headers: { "content-type": "text/html;charset=UTF-8" },
      });
    }
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener("message", (event) => {
      if (typeof event.data === "string" && event.data.startsWith("close ")) {
        const [, code, ...reason] = event.data.split(" ");
        server.close(Number(code), reason.join(" "));
        return;
      }
      server.send(event.data);
    });
    server.addEventListener("close", (event) => {
      console.log(`echo: closed with ${event.code}${event.reason ? " " + event.reason : ""}`);
    });
    return new Response(null, { status: 101, webSocket: client });
  },
};
