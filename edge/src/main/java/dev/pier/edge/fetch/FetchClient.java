package dev.pier.edge.fetch;

import dev.pier.edge.tls.TlsContexts;
import dev.pier.edge.transport.EdgeChannelOptions;
import dev.pier.edge.upstream.OriginGuard;
import dev.pier.workers.Fetch;
import dev.pier.workers.FetchException;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocketPair;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Cloudflare's {@code fetch()} for the Workers a node runs, on the node's own event loops: an
 * HTTP/1.1 client for {@code http://} and {@code https://} (TLS checked against the JDK's trust
 * store and the URL's host name), one connection per subrequest, redirects followed up to
 * {@link Fetch#MAX_REDIRECTS}, and WebSockets opened with Netty's client handshaker.
 *
 * <p>A fetch made on one of the node's event loops (a stateless Worker runs on its client's) runs
 * there, connection and all, so nothing hops threads; one made elsewhere (a Durable Object's
 * thread) runs on the next loop. The edge's {@link OriginGuard} applies: a fetch never connects to
 * the edge's own listeners, where it would come back to the Worker, nor to link-local addresses.
 */
public final class FetchClient implements Fetch.Host {

    private static final HttpDecoderConfig DECODER = new HttpDecoderConfig()
            .setMaxInitialLineLength(16 * 1024)
            .setMaxHeaderSize(64 * 1024)
            .setMaxChunkSize(64 * 1024); // a streamed body reaches its reader in pieces as large as a read, not 8 KiB

    private final EventLoopGroup loops;
    private final Bootstrap bootstrap;
    private final SslContext tls;
    private final Supplier<OriginGuard> guard;
    private final Supplier<FetchLimits> limits;

    /**
     * @param loops   the node's event loops
     * @param channel their socket channel type
     * @param tls     the client TLS context for {@code https://} (the host name is checked on each connection)
     * @param guard   the addresses refused now (the edge's listeners change as it binds)
     * @param limits  the limits now (the node's timeouts follow its configuration)
     */
    public FetchClient(EventLoopGroup loops, Class<? extends SocketChannel> channel, SslContext tls, Supplier<OriginGuard> guard,
                       Supplier<FetchLimits> limits) {
        this.loops = loops;
        this.tls = tls;
        this.guard = guard;
        this.limits = limits;
        this.bootstrap = new Bootstrap().group(loops).channel(channel)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, EdgeChannelOptions.RECEIVE_BUFFERS)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, EdgeChannelOptions.WATER_MARK);
    }

    /** TLS toward the origins of {@code https://} URLs: the JDK's trusted authorities, TLS 1.2 and 1.3. */
    public static SslContext defaultTls() {
        try {
            return SslContextBuilder.forClient().sslProvider(TlsContexts.provider()).protocols("TLSv1.3", "TLSv1.2").build();
        } catch (SSLException e) {
            throw new IllegalStateException("the TLS context for fetch cannot be made: " + e.getMessage(), e);
        }
    }

    @Override
    public CompletionStage<Response> fetch(Request request, Fetch.Redirect redirect) {
        return call(request, redirect, false);
    }

    /** As {@link #fetch}, answering at the response's head with the body a stream; cancelling the stage or the stream ends the subrequest. */
    @Override
    public CompletionStage<Response> stream(Request request, Fetch.Redirect redirect) {
        return call(request, redirect, true);
    }

    private CompletionStage<Response> call(Request request, Fetch.Redirect redirect, boolean streamed) {
        FetchTarget target;
        try {
            target = FetchTarget.of(request.url());
            if (request.isWebSocketUpgrade() && !request.method().equals("GET")) {
                throw new IllegalArgumentException("method: " + request.method() + " (expected: GET for a WebSocket upgrade)");
            }
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        // Made on the caller's thread: a pair made during a Durable Object's event belongs to the object.
        WebSocketPair pair = request.isWebSocketUpgrade() ? new WebSocketPair() : null;
        Call call = new Call(request, redirect, callersLoop(), streamed);
        if (call.loop.inEventLoop()) {
            call.send(request, target, pair);
        } else {
            try {
                call.loop.execute(() -> call.send(request, target, pair));
            } catch (RejectedExecutionException e) {
                call.done.completeExceptionally(new FetchException(request + ": the node is stopping", e));
            }
        }
        return call.done;
    }

    /** The node's loop this thread is, or the next one when it is none of them. */
    private EventLoop callersLoop() {
        for (EventExecutor loop : loops) {
            if (loop.inEventLoop()) {
                return (EventLoop) loop;
            }
        }
        return loops.next();
    }

    /** One fetch: a hop, and one more for each redirect followed, all on one loop. */
    private final class Call {
        private final Request original;
        private final Fetch.Redirect redirect;
        private final EventLoop loop;
        private final CompletableFuture<Response> done = new CompletableFuture<>();
        private final boolean streamed;
        private int redirects;
        /** The hop under way, for a cancel to stop. */
        private Subrequest current;

        Call(Request original, Fetch.Redirect redirect, EventLoop loop, boolean streamed) {
            this.original = original;
            this.redirect = redirect;
            this.loop = loop;
            this.streamed = streamed;
            done.whenComplete((response, failure) -> {
                if (done.isCancelled()) {
                    loop.execute(() -> {
                        if (current != null) {
                            current.abort();
                        }
                    });
                }
            });
        }

        /** Sends {@code request}: its response completes the fetch, or the redirect it is leads to the next hop. */
        void send(Request request, FetchTarget target, WebSocketPair pair) {
            FetchLimits limits = FetchClient.this.limits.get();
            Subrequest exchange;
            try {
                exchange = new Subrequest(request, target, limits, guard.get(), pair, streamed);
            } catch (IllegalArgumentException e) {
                done.completeExceptionally(e);
                return;
            }
            ChannelFuture connect = bootstrap.clone(loop)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, limits.connect().toMillis()))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (target.tls()) {
                                ch.pipeline().addLast("tls", tlsHandler(ch, target, limits));
                            }
                            ch.pipeline().addLast("http", new HttpClientCodec(DECODER.clone(), false, false));
                            if (pair == null) {
                                // Cloudflare's fetch decodes a gzip or deflate body; the limit counts decoded bytes
                                ch.pipeline().addLast("decode", new HttpContentDecompressor(false, Math.max(1, limits.maxBody())));
                            }
                            ch.pipeline().addLast("fetch", exchange);
                        }
                    })
                    .connect(target.host(), target.port());
            current = exchange;
            connect.addListener(f -> exchange.connected(connect));
            exchange.answer().whenComplete((response, failure) -> {
                if (failure != null) {
                    done.completeExceptionally(failure);
                } else {
                    answered(request, response, pair);
                }
            });
        }

        private void answered(Request request, Response response, WebSocketPair pair) {
            Request next;
            try {
                next = redirect == Fetch.Redirect.FOLLOW && pair == null ? Redirects.next(request, response) : null;
            } catch (FetchException e) {
                done.completeExceptionally(e);
                return;
            }
            if (next != null && response.stream() != null) {
                response.stream().cancel("the fetch follows a redirect"); // closes the redirect's connection
            }
            if (next == null) {
                if (!done.complete(response) && response.stream() != null) {
                    response.stream().cancel("the fetch was aborted");
                }
            } else if (redirects == Fetch.MAX_REDIRECTS) {
                done.completeExceptionally(new FetchException(original + ": more than " + Fetch.MAX_REDIRECTS + " redirects"));
            } else {
                redirects++;
                send(next, FetchTarget.of(next.url()), null);
            }
        }
    }

    private SslHandler tlsHandler(Channel ch, FetchTarget target, FetchLimits limits) {
        SslHandler handler = tls.newHandler(ch.alloc(), target.host(), target.port());
        handler.setHandshakeTimeoutMillis(limits.connect().toMillis());
        SSLParameters parameters = handler.engine().getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the URL's host
        handler.engine().setSSLParameters(parameters);
        return handler;
    }
}
