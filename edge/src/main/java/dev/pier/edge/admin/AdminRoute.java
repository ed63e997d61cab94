package dev.pier.edge.admin;

import java.util.Map;

/**
 * Something more the admin listener serves below a path prefix: the control plane's API and
 * dashboard. Handlers may block (they talk to a database): each request runs on a virtual
 * thread, never on an event loop.
 */
public interface AdminRoute {

    /** The path prefix served, such as {@code /client/v4}. */
    String prefix();

    /**
     * @param method  upper case
     * @param uri     the request target, path and query
     * @param headers lower-cased names
     * @param body    the request body (empty when there is none)
     */
    Response handle(String method, String uri, Map<String, String> headers, byte[] body);

    /**
     * How large a body this request may send, decided from its head before any of the body is
     * read, and the answer when it sends more. Asked only for a request whose body may be larger
     * than {@link AdminHandler#MAX_BODY} (its Content-Length says so, or it is chunked); called on
     * a virtual thread, so it may block (read the store to check a token). A limit above
     * {@link AdminBodyGate#LARGEST_BODY} is taken as that.
     *
     * @param method  upper case
     * @param uri     the request target, path and query
     * @param headers lower-cased names
     */
    default BodyLimit bodyLimit(String method, String uri, Map<String, String> headers) {
        return BodyLimit.DEFAULT;
    }

    /**
     * The WebSocket this route serves at {@code uri}, for a WebSocket upgrade request below its
     * prefix; null when there is none there (the request is then answered by {@link #handle}).
     * Called on the listener's event loop: it must answer from memory, without blocking.
     *
     * @param uri     the request target, path and query
     * @param headers lower-cased names
     */
    default Socket socket(String uri, Map<String, String> headers) {
        return null;
    }

    /** One WebSocket's server side: told when the handshake is done and how to send, and when the socket is gone. */
    interface Socket {

        /** The 101 is written; from now on {@code out} sends to the client (from any thread). */
        void opened(AdminSocket out);

        /** The connection is closed, by either side; called once, on the event loop. */
        void closed();
    }

    /**
     * The largest body a request may send, and what it is answered when it sends more (its
     * connection is then closed without reading the rest).
     */
    record BodyLimit(int max, Response tooLarge) {

        /** {@link AdminHandler#MAX_BODY}, answered 413 in plain text. */
        public static final BodyLimit DEFAULT = new BodyLimit(AdminHandler.MAX_BODY, new Response(413, "text/plain; charset=utf-8",
                ("Request body too large (expected: at most " + AdminHandler.MAX_BODY + " bytes).\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * What to answer.
     *
     * @param authenticated the request carried credentials the route checked and accepted: the
     *                      listener then keeps its connection open when many others arrive
     */
    record Response(int status, String contentType, byte[] body, Map<String, String> headers, boolean authenticated) {
        public Response(int status, String contentType, byte[] body) {
            this(status, contentType, body, Map.of(), false);
        }

        public Response(int status, String contentType, byte[] body, Map<String, String> headers) {
            this(status, contentType, body, headers, false);
        }
    }
}
