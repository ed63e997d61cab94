package dev.pier.workers.host;

/**
 * How one node sends another a request for a Durable Object the other runs: to this path on the
 * other node's listener, with the object and the node secret in headers. The edge routes the path,
 * before any zone, to the runtime's script {@link #SCRIPT} when its configuration has a node
 * secret; that script checks the secret before anything else, and runs the request on the object.
 */
public final class NodeRequests {

    /** The path every such request is sent to; Cloudflare keeps {@code /cdn-cgi/} for its own on every zone. */
    public static final String PATH = "/cdn-cgi/pier/durable-object";
    /** The script that serves the path: a name no configured script can have. */
    public static final String SCRIPT = "pier:durable-objects";
    /** The node secret ({@code durable_objects.node_secret_file}). */
    public static final String SECRET = "pier-node-secret";
    /** The object's namespace ({@code script.BINDING}). */
    public static final String NAMESPACE = "pier-object-namespace";
    /** The object's id, 64 hex digits. */
    public static final String ID = "pier-object-id";
    /** The name the id was made from, percent-encoded as UTF-8; absent for an id made otherwise. */
    public static final String NAME = "pier-object-name";
    /** The request's URL, as the object sees it. */
    public static final String URL = "pier-object-url";
    /** On an answer: the node does not run the object (another took it over); the sender finds it again. */
    public static final String MOVED = "pier-object-moved";
    /**
     * The close code and reason a WebSocket of an object gets when the object leaves its node (the node
     * stops, or another took the object over): the client reconnects and finds the object on another node.
     */
    public static final int MOVED_CLOSE_CODE = 1012;
    public static final String MOVED_CLOSE_REASON = "the Durable Object moved to another node";
    /** On an answer: the object's event failed, with this reason; the sender's stub fails as the object's own would. */
    public static final String FAILURE = "pier-object-failure";
    /** On an answer with {@link #FAILURE}: {@code true} when the failure reset the object, {@code false} when its code threw and it went on. */
    public static final String RESET = "pier-object-reset";

    private NodeRequests() {
    }
}
