package dev.pier.workers.runtime.objects;

import dev.pier.config.NodeSecret;
import dev.pier.workers.DurableObjectException;
import dev.pier.workers.DurableObjectId;
import dev.pier.workers.Fetch;
import dev.pier.workers.FetchException;
import dev.pier.workers.Headers;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.host.NodeRequests;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Sends another node the requests for the objects it runs, with this node's fetch: to
 * {@link NodeRequests#PATH} on that node's address, with the node secret, the object and the
 * request's own URL in headers, and the request's method, headers and body as they are. An upgrade
 * is sent as one, so the answer is a 101 carrying a WebSocket to the object, which the stub returns
 * as its own answer; the edge joins it to the client.
 */
public final class NodeClient {

    private final NodeSecret secret;
    private final Supplier<Fetch.Host> fetch;

    /** @param fetch this node's fetch (its edge's client: another edge in the same JVM refuses its own listeners, not this one's) */
    public NodeClient(NodeSecret secret, Supplier<Fetch.Host> fetch) {
        this.secret = secret;
        this.fetch = fetch;
    }

    /**
     * Sends {@code request} for {@code id} of {@code namespace} to the node at {@code address}. The
     * stage fails as the object's own stub would when the object's event failed there, or with the
     * fetch's failure when the exchange broke after the request went out.
     */
    CompletableFuture<Ownership.Forwarded> send(String address, String namespace, DurableObjectId id, Request request) {
        Headers headers = new Headers(request.headers());
        headers.set(NodeRequests.SECRET, secret.value());
        headers.set(NodeRequests.NAMESPACE, namespace);
        headers.set(NodeRequests.ID, id.toString());
        if (id.name() != null) {
            headers.set(NodeRequests.NAME, URLEncoder.encode(id.name(), StandardCharsets.UTF_8));
        } else {
            headers.delete(NodeRequests.NAME);
        }
        headers.set(NodeRequests.URL, URI.create(request.url()).toASCIIString());
        Request out = new Request(request.method(), address + NodeRequests.PATH, headers, request.bytes());
        CompletableFuture<Ownership.Forwarded> sent = new CompletableFuture<>();
        // Outside any object's event: a WebSocket this opens belongs to whoever asked, as an object's answer does on one node.
        WebSocket.Host.runIn(null, () -> {
            CompletionStage<Response> answer;
            try {
                answer = fetch.get().fetch(out, Fetch.Redirect.MANUAL);
            } catch (RuntimeException e) {
                sent.completeExceptionally(e);
                return;
            }
            answer.whenComplete((response, failure) -> {
                if (failure != null) {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    if (cause instanceof FetchException && cause.getCause() instanceof ConnectException) {
                        sent.complete(new Ownership.Unreachable(cause.getMessage(), 0)); // it never left: it may go elsewhere
                    } else {
                        sent.completeExceptionally(cause);
                    }
                } else {
                    answered(sent, address, namespace, id, response);
                }
            });
        });
        return sent;
    }

    /** The node's answer: the object's, that node's word that it no longer runs the object, or the failure of the object's event. */
    private static void answered(CompletableFuture<Ownership.Forwarded> sent, String address, String namespace, DurableObjectId id,
                                 Response response) {
        String moved = response.headers().get(NodeRequests.MOVED);
        String failure = response.headers().get(NodeRequests.FAILURE);
        if (moved != null) {
            sent.complete(new Ownership.Moved(moved));
        } else if (failure != null) {
            String reset = response.headers().get(NodeRequests.RESET);
            String where = "Durable Object " + id + " of " + namespace + " on the node at " + address + ": " + failure;
            sent.completeExceptionally(reset == null ? new IllegalStateException(where)
                    : new DurableObjectException(failure, new IllegalStateException(where), Boolean.parseBoolean(reset)));
        } else {
            sent.complete(new Ownership.Answered(response));
        }
    }
}
