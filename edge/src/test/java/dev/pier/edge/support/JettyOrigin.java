package dev.pier.edge.support;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketClose;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketMessage;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketOpen;
import org.eclipse.jetty.websocket.api.annotations.WebSocket;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A real origin for integration tests: Jetty 12's WebSocket server (nobody on the team wrote
 * it) plus a few plain HTTP routes.
 *
 * <ul>
 *   <li>{@code /echo}: echoes text and binary messages. Text commands: {@code close CODE REASON}
 *       closes with that code, {@code die} drops TCP without a close frame, {@code headers}
 *       answers with the upgrade request's headers, {@code ping} sends a ping.</li>
 *   <li>{@code /sink}: counts binary bytes as they stream in (no buffering) and answers
 *       {@code received N} at the end of each message.</li>
 *   <li>{@code /source}: on {@code stream N} streams N bytes as one binary message in 64 KiB
 *       fragments, waiting for each to be written.</li>
 *   <li>Plain HTTP: {@code /hello}, {@code /body} (echoes the request body, streamed),
 *       {@code /big?n=N} (N bytes), {@code /headers}; anything else, including an upgrade
 *       request for another path, gets 403.</li>
 * </ul>
 * Every close a WebSocket endpoint sees is recorded in {@link #closes} as "code reason".
 */
public final class JettyOrigin implements AutoCloseable {

    public final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
    public final AtomicInteger upgrades = new AtomicInteger();
    public final AtomicInteger httpRequests = new AtomicInteger();
    private final Server server;
    private final ServerConnector connector;

    public JettyOrigin() throws Exception {
        this(null);
    }

    /** An origin that speaks TLS (wss://, https://) with the given factory, or plain when null. */
    public JettyOrigin(org.eclipse.jetty.util.ssl.SslContextFactory.Server tls) throws Exception {
        server = new Server();
        if (tls == null) {
            connector = new ServerConnector(server);
        } else {
            // Serve whatever name is asked for: the tests decide what the edge checks, not Jetty.
            org.eclipse.jetty.server.HttpConfiguration http = new org.eclipse.jetty.server.HttpConfiguration();
            org.eclipse.jetty.server.SecureRequestCustomizer secure = new org.eclipse.jetty.server.SecureRequestCustomizer();
            secure.setSniHostCheck(false);
            http.addCustomizer(secure);
            connector = new ServerConnector(server, tls, new org.eclipse.jetty.server.HttpConnectionFactory(http));
        }
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(64 << 20);
            container.setMaxBinaryMessageSize(64 << 20);
            container.setIdleTimeout(Duration.ofMinutes(5));
            container.addMapping("/echo", (rq, rs, cb) -> {
                upgrades.incrementAndGet();
                if (rq.getSubProtocols().contains("chat")) {
                    rs.setAcceptedSubProtocol("chat");
                }
                return new Echo();
            });
            container.addMapping("/sink", (rq, rs, cb) -> {
                upgrades.incrementAndGet();
                return new Sink();
            });
            container.addMapping("/source", (rq, rs, cb) -> {
                upgrades.incrementAndGet();
                return new Source();
            });
        });
        ws.setHandler(new Plain());
        server.setHandler(ws);
        server.start();
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static String headersOf(Map<String, List<String>> headers) {
        StringBuilder out = new StringBuilder();
        headers.forEach((name, values) -> out.append(name.toLowerCase()).append(": ")
                .append(String.join(",", values)).append('\n'));
        return out.toString();
    }

    @WebSocket
    public class Echo {
        @OnWebSocketOpen
        public void open(Session session) {
        }

        @OnWebSocketMessage
        public void text(Session session, String message) {
            if (message.startsWith("close ")) {
                String[] parts = message.split(" ", 3);
                session.close(Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "", Callback.NOOP);
            } else if (message.equals("die")) {
                session.disconnect();
            } else if (message.equals("headers")) {
                session.sendText(headersOf(session.getUpgradeRequest().getHeaders()), Callback.NOOP);
            } else if (message.equals("ping")) {
                session.sendPing(ByteBuffer.wrap("origin-ping".getBytes(StandardCharsets.UTF_8)), Callback.NOOP);
            } else {
                session.sendText(message, Callback.NOOP);
            }
        }

        @OnWebSocketMessage
        public void binary(Session session, ByteBuffer payload, Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            callback.succeed();
            session.sendBinary(copy, Callback.NOOP);
        }

        @OnWebSocketClose
        public void closed(int code, String reason) {
            closes.add(code + " " + reason);
        }
    }

    @WebSocket
    public class Sink {
        private long received;

        @OnWebSocketMessage
        public void part(Session session, ByteBuffer payload, boolean last, Callback callback) {
            received += payload.remaining();
            callback.succeed();
            if (last) {
                session.sendText("received " + received, Callback.NOOP);
                received = 0;
            }
        }

        @OnWebSocketClose
        public void closed(int code, String reason) {
            closes.add(code + " " + reason);
        }
    }

    @WebSocket
    public class Source {
        @OnWebSocketMessage
        public void text(Session session, String message) {
            long total = Long.parseLong(message.substring("stream ".length()));
            Thread.ofVirtual().start(() -> stream(session, total));
        }

        private void stream(Session session, long total) {
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) i;
            }
            try {
                for (long sent = 0; sent < total; sent += chunk.length) {
                    int n = (int) Math.min(chunk.length, total - sent);
                    Callback.Completable done = new Callback.Completable();
                    session.sendPartialBinary(ByteBuffer.wrap(chunk, 0, n), sent + n >= total, done);
                    done.get();
                }
            } catch (Exception e) {
                session.disconnect();
            }
        }

        @OnWebSocketClose
        public void closed(int code, String reason) {
            closes.add(code + " " + reason);
        }
    }

    private final class Plain extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, org.eclipse.jetty.util.Callback callback) {
            httpRequests.incrementAndGet();
            String path = Request.getPathInContext(request);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            switch (path) {
                case "/hello" -> Content.Sink.write(response, true, "hello from jetty\n", callback);
                case "/body" -> Content.copy(request, response, callback);
                case "/headers" -> {
                    StringBuilder out = new StringBuilder();
                    request.getHeaders().forEach(f -> out.append(f.getLowerCaseName()).append(": ")
                            .append(f.getValue()).append('\n'));
                    Content.Sink.write(response, true, out.toString(), callback);
                }
                case "/big" -> {
                    int n = Integer.parseInt(Request.extractQueryParameters(request).getValue("n"));
                    byte[] body = new byte[n];
                    java.util.Arrays.fill(body, (byte) 'b');
                    response.write(true, ByteBuffer.wrap(body), callback);
                }
                default -> {
                    response.setStatus(403);
                    Content.Sink.write(response, true, "refused by origin\n", callback);
                }
            }
            return true;
        }
    }
}
