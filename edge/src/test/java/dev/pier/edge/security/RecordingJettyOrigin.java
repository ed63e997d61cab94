package dev.pier.edge.security;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketMessage;
import org.eclipse.jetty.websocket.api.annotations.WebSocket;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * Jetty 12's HTTP parser as an origin, with its default compliance settings: a handler in front
 * of everything records each request Jetty parsed (method, path and host as Jetty resolved them:
 * an absolute-form target's authority, otherwise the Host header); its connector counts the
 * connections open. {@code /ws} is a real WebSocket endpoint that takes frames and says
 * nothing; an upgrade to any other path gets 403 and the connection stays HTTP. Jetty cannot send
 * a 101 of its own making, so the invalid-101 paths get 403 here too.
 */
final class RecordingJettyOrigin implements ParsingOrigin {

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final List<Parsed> parsed = new ArrayList<>();

    RecordingJettyOrigin() throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container ->
                container.addMapping("/ws", (rq, rs, cb) -> new Silent()));
        ws.setHandler(new Answers());
        server.setHandler(new Handler.Wrapper(ws) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                HttpURI uri = request.getHttpURI();
                Parsed seen = new Parsed(SeenRequest.resolved(request.getMethod(), uri.getPath(), uri.getHost()),
                        request.getHeaders().get("pier-ray"));
                synchronized (parsed) {
                    parsed.add(seen);
                }
                return super.handle(request, response, callback);
            }
        });
        server.start();
    }

    @Override
    public String name() {
        return "jetty";
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public List<Parsed> takeParsed() {
        synchronized (parsed) {
            List<Parsed> out = List.copyOf(parsed);
            parsed.clear();
            return out;
        }
    }

    @Override
    public int openConnections() {
        return connector.getConnectedEndPoints().size();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** A WebSocket endpoint that takes every frame and answers none. */
    @WebSocket
    public static final class Silent {
        @OnWebSocketMessage
        public void text(Session session, String message) {
        }

        @OnWebSocketMessage
        public void binary(Session session, ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
            callback.succeed();
        }
    }

    /** Plain answers: an upgrade that reaches here (not /ws) gets 403, /close 200 and a close, the rest 200. */
    private static final class Answers extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            if (request.getHeaders().contains(HttpHeader.UPGRADE)) {
                response.setStatus(403);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
                callback.succeeded();
                return true;
            }
            if (path.equals("/close")) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            Content.Sink.write(response, true, "ok\n", callback);
            return true;
        }
    }
}
