package dev.pier.workers.runtime.objects;

import dev.pier.config.NodeSecret;
import dev.pier.workers.DurableObjectException;
import dev.pier.workers.DurableObjectId;
import dev.pier.workers.Env;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Headers;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.Worker;
import dev.pier.workers.host.NodeRequests;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The script behind {@link NodeRequests#PATH}: runs on this node's instance the requests the other
 * nodes send ({@link NodeClient}) for the objects it runs. The node secret is checked first, in
 * constant time: a request without it is refused with 403 and reaches no object. The object gets
 * the request as the sender's stub got it: its URL, method, headers (the sender's {@code Host}) and
 * body. When this node does not run the object (another took it over), it says so and runs
 * nothing; when the object's event fails, the reason goes back so that the sender's stub fails.
 */
public final class ForwardedRequests implements Worker {

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(ForwardedRequests.class);
    /** The headers of the exchange between the nodes, which the object never sees. */
    private static final String[] EXCHANGE_HEADERS = {NodeRequests.SECRET, NodeRequests.NAMESPACE, NodeRequests.ID, NodeRequests.NAME,
            NodeRequests.URL, NodeRequests.MOVED, NodeRequests.FAILURE, NodeRequests.RESET};

    /** How often a refusal is logged, at most. */
    private static final long REFUSALS_LOGGED_EVERY = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final NodeSecret secret;
    private final Function<String, LiveObjects> namespaces;
    private volatile long lastRefusalLogged = System.nanoTime() - REFUSALS_LOGGED_EVERY - 1;

    /** @param namespaces the namespaces deployed on this node, by name ({@code script.BINDING}); null for one that is not */
    public ForwardedRequests(NodeSecret secret, Function<String, LiveObjects> namespaces) {
        this.secret = secret;
        this.namespaces = namespaces;
    }

    @Override
    public CompletionStage<Response> fetch(Request request, Env env, ExecutionContext ctx) {
        Headers headers = request.headers();
        if (!secret.matches(headers.get(NodeRequests.SECRET))) {
            long now = System.nanoTime();
            if (now - lastRefusalLogged > REFUSALS_LOGGED_EVERY) { // a client sending them by the thousand writes one line in ten seconds
                lastRefusalLogged = now;
                logger.warn("A request for a Durable Object came to {} without the node secret: refused (a node whose"
                        + " node_secret_file differs, or a client; more are refused without a word for 10 s)", request.url());
            }
            return failed(403, "the node secret was refused");
        }
        String namespace = headers.get(NodeRequests.NAMESPACE);
        LiveObjects objects = namespace == null ? null : namespaces.apply(namespace);
        if (objects == null) {
            return failed(404, "no Durable Object namespace " + namespace + " is deployed on this node");
        }
        DurableObjectId id;
        Request original;
        try {
            String name = headers.get(NodeRequests.NAME);
            id = new DurableObjectId(String.valueOf(headers.get(NodeRequests.ID)), name == null ? null : URLDecoder.decode(name, StandardCharsets.UTF_8));
            URI url = URI.create(String.valueOf(headers.get(NodeRequests.URL)));
            Headers own = new Headers(headers);
            for (String exchange : EXCHANGE_HEADERS) {
                own.delete(exchange);
            }
            if (url.getRawAuthority() != null) {
                own.set("host", url.getRawAuthority());
            }
            if (!request.isWebSocketUpgrade()) {
                own.delete("connection"); // the sender's fetch closes its connection after each request: not the client's word
            }
            original = new Request(request.method(), url.toString(), own, request.bytes());
        } catch (IllegalArgumentException e) {
            return failed(400, "not a request for a Durable Object (" + e.getMessage() + ")");
        }
        return objects.fetchFromNode(id, original).handle((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                Response answer = answer(500, cause.toString());
                if (cause instanceof DurableObjectException thrown) {
                    answer.headers().set(NodeRequests.RESET, String.valueOf(thrown.isDurableObjectReset()));
                }
                return answer;
            }
            if (response == null) {
                return answer(500, "java.lang.NullPointerException: fetch completed with no response");
            }
            response.headers().delete(NodeRequests.MOVED).delete(NodeRequests.FAILURE).delete(NodeRequests.RESET); // the object's own never count as this node's
            return response;
        });
    }

    /** What this node says to the sender: the reason, which the sender's stub fails with. */
    private static CompletionStage<Response> failed(int status, String why) {
        return CompletableFuture.completedFuture(answer(status, why));
    }

    private static Response answer(int status, String why) {
        Response response = Response.text(status, why + "\n");
        response.headers().set(NodeRequests.FAILURE, headerSafe(why));
        return response;
    }

    /** {@code text} as a header value: printable ASCII on one line, at most 1,000 characters. */
    static String headerSafe(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 1_000));
        for (int i = 0; i < text.length() && out.length() < 1_000; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
