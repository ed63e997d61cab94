package dev.pier.cli.control;

import dev.pier.control.livelogs.LiveLogListener;
import dev.pier.control.livelogs.LiveLogSession;
import dev.pier.control.livelogs.LiveLogSessions;
import dev.pier.edge.admin.AdminRoute;
import dev.pier.edge.admin.AdminSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Serves live log sessions' WebSockets on the admin listener at
 * {@code /instant-logs/ws/sessions/ID}, the address {@code POST .../logpush/edge/jobs} answers.
 * The session's id is the only credential, as in Cloudflare's Instant Logs: an unknown or ended
 * session is 404, a request that is no WebSocket upgrade 426.
 */
public final class LiveLogsRoute implements AdminRoute {

    public static final String PREFIX = "/instant-logs";
    private static final String SESSIONS = PREFIX + "/ws/sessions/";

    private final LiveLogSessions sessions;

    public LiveLogsRoute(LiveLogSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public Response handle(String method, String uri, Map<String, String> headers, byte[] body) {
        if (session(uri).isEmpty()) {
            return new Response(404, "text/plain; charset=utf-8",
                    "No live log session here: it ended, or never began (POST /client/v4/zones/ID/logpush/edge/jobs begins one).\n"
                            .getBytes(StandardCharsets.UTF_8));
        }
        return new Response(426, "text/plain; charset=utf-8",
                "This address is a WebSocket: connect with a WebSocket client (pier logs tail, websocat).\n".getBytes(StandardCharsets.UTF_8),
                Map.of("Upgrade", "websocket"));
    }

    @Override
    public Socket socket(String uri, Map<String, String> headers) {
        Optional<LiveLogSession> session = session(uri);
        return session.map(SessionSocket::new).orElse(null);
    }

    private Optional<LiveLogSession> session(String uri) {
        String path = uri.split("\\?", 2)[0];
        return path.startsWith(SESSIONS) ? sessions.session(path.substring(SESSIONS.length())) : Optional.empty();
    }

    /** One WebSocket listening to a session. */
    private static final class SessionSocket implements Socket {
        private final LiveLogSession session;
        private volatile Runnable leave;

        SessionSocket(LiveLogSession session) {
            this.session = session;
        }

        @Override
        public void opened(AdminSocket out) {
            Runnable left = session.attach(new LiveLogListener() {
                @Override
                public boolean send(String message) {
                    return out.send(message);
                }

                @Override
                public void close(int code, String reason) {
                    out.close(code, reason);
                }
            });
            if (left == null) {
                out.close(LiveLogSessions.ENDED, "the live log session has ended");
                return;
            }
            leave = left;
            if (!out.isOpen()) { // closed before it was attached: closed() may have run already
                closed();
            }
        }

        @Override
        public void closed() {
            Runnable l = leave;
            if (l != null) {
                leave = null;
                l.run();
            }
        }
    }
}
