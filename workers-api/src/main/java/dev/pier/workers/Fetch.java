package dev.pier.workers;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Cloudflare's global {@code fetch()}: a subrequest from a Worker or a Durable Object to any
 * {@code http://} or {@code https://} URL. The stage completes with the origin's response, or
 * fails with a {@link FetchException} (the origin is down, too slow, or its body too large) or an
 * {@link IllegalArgumentException} (a URL fetch cannot load).
 *
 * <p>A request with {@code Upgrade: websocket} opens a WebSocket to the origin: when the origin
 * accepts, the response has status 101 and {@link Response#webSocket()} is the Worker's end of
 * it, which the code must {@link WebSocket#accept() accept()} before it sends or hears anything,
 * as on Cloudflare. A Worker can return that response as it is (the edge then joins the client to
 * the origin), or accept the end and bridge it to a {@link WebSocketPair} of its own. When the
 * origin refuses the upgrade, the response is the origin's answer, without a WebSocket.
 *
 * <pre>{@code
 * Fetch.fetch("https://api.example.com/time").thenApply(r -> new Response(r.text()));
 * }</pre>
 *
 * <p>The node that runs the Workers makes the subrequests: it installs a {@link Host} when it
 * starts. A stateless Worker's subrequest runs on its own event loop, so what follows the stage
 * runs there too; a Durable Object may simply {@code join()} it, its thread may block.
 */
public final class Fetch {

    /** What a fetch does with a redirect, as the {@code redirect} option of Cloudflare's fetch. */
    public enum Redirect {
        /** Follow it, up to {@value Fetch#MAX_REDIRECTS} times (Cloudflare's default). */
        FOLLOW,
        /** Return the 3xx response as it is. */
        MANUAL
    }

    /** The most redirects a fetch follows; one more fails it. */
    public static final int MAX_REDIRECTS = 20;

    /**
     * What makes the subrequests: the node installs one when it starts and uninstalls it when it
     * stops. Worker code has no use for it.
     */
    public interface Host {

        CompletionStage<Response> fetch(Request request, Redirect redirect);

        /**
         * Sends {@code request}; the stage completes at the response's head, with its body a
         * {@link Response#stream()} written as the origin sends it. Cancelling the stage before it
         * completes, or the body's stream once it did, ends the subrequest (its connection closes).
         * A host that cannot stream answers with the whole body.
         */
        default CompletionStage<Response> stream(Request request, Redirect redirect) {
            return fetch(request, redirect);
        }

        /** Makes {@code host} the one fetches go to, until it is uninstalled (the latest installed wins). */
        static void install(Host host) {
            INSTALLED.install(host);
        }

        /** Stops sending fetches to {@code host}; the one installed before it, if any still is, takes over. */
        static void uninstall(Host host) {
            INSTALLED.uninstall(host);
        }
    }

    /** The hosts installed, latest first: nodes started in one JVM (tests) each install theirs. */
    private static final Installed<Host> INSTALLED = new Installed<>();

    private Fetch() {
    }

    /** A GET of {@code url}, following redirects. */
    public static CompletionStage<Response> fetch(String url) {
        return fetch(Request.get(url));
    }

    /** Sends {@code request}, following redirects. */
    public static CompletionStage<Response> fetch(Request request) {
        return fetch(request, Redirect.FOLLOW);
    }

    /**
     * Sends {@code request}.
     *
     * @throws IllegalStateException when no node installed a {@link Host} in this JVM
     */
    public static CompletionStage<Response> fetch(Request request, Redirect redirect) {
        return host(request, redirect).fetch(request, redirect);
    }

    /**
     * Sends {@code request} and completes at the response's head: the body is its
     * {@link Response#stream()}, which comes as the origin sends it (the origin's connection is
     * read only as fast as the stream's reader takes the chunks). Cancel the stage, or the
     * stream, to end the subrequest.
     *
     * @throws IllegalStateException when no node installed a {@link Host} in this JVM
     */
    public static CompletionStage<Response> stream(Request request, Redirect redirect) {
        return host(request, redirect).stream(request, redirect);
    }

    private static Host host(Request request, Redirect redirect) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(redirect, "redirect");
        Host host = INSTALLED.current();
        if (host == null) {
            throw new IllegalStateException("fetch(" + request + "): no host makes subrequests in this JVM"
                    + " (the Pier node installs one when it starts; outside a node, install a Fetch.Host)");
        }
        return host;
    }
}
