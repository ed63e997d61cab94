package dev.pier.edge.worker;

import dev.pier.analytics.RequestLogBuilder;
import dev.pier.analytics.WorkerUsage;
import dev.pier.edge.error.EdgeError;
import dev.pier.edge.error.EdgeException;
import dev.pier.edge.upstream.ProtocolSwitch;
import dev.pier.edge.upstream.UpstreamConnection;
import dev.pier.edge.upstream.UpstreamListener;
import dev.pier.edge.upstream.UpstreamPeer;
import dev.pier.edge.upstream.WorkerPeer;
import dev.pier.workers.BodyStream;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Headers;
import dev.pier.workers.Request;
import dev.pier.workers.RequestCf;
import dev.pier.workers.ResourceLimitException;
import dev.pier.workers.Response;
import dev.pier.workers.host.Script;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One request to a Worker: the body is gathered (up to {@link #MAX_BODY}), the script's
 * {@code fetch} runs on the client's event loop, and its response goes back to the flow as an
 * upstream's would; a 101 carrying a WebSocket becomes the edge's own handshake answer, and the
 * client connection becomes a {@link WorkerSocket}.
 *
 * <p>A Worker that {@linkplain dev.pier.workers.Worker#streamsRequestBodies() takes bodies as
 * they arrive} runs once the request's head and what came with it are in, and the rest of the body
 * is written to its request's {@link BodyStream} as the client sends it (up to
 * {@link #MAX_STREAMED_BODY}): while a chunk waits for the Worker to take it, this connection is
 * not {@link #writable()}, so the client is not read. A client that goes away mid-body aborts the
 * stream.
 */
final class WorkerConnection implements UpstreamConnection {

    /** The largest request body a Worker gets whole. */
    static final int MAX_BODY = 16 * 1024 * 1024;
    /** The largest request body a Worker gets as it arrives: Cloudflare's 100 MB. */
    static final long MAX_STREAMED_BODY = 100_000_000L;

    private final WorkerPeer peer;
    private final Script script;
    private final WorkerUsage usage;
    private final Channel client;
    private final UpstreamListener listener;
    private HttpRequest head;
    private RequestLogBuilder record;
    private ByteArrayOutputStream body;
    /** The body as it arrives, for a Worker that streams it; its size so far, and whether a chunk waits for the Worker. */
    private BodyStream requestBody;
    private long requestBodySize;
    private boolean requestBodyBackedUp;
    private boolean connected;
    private boolean closed;
    private Duration responseTimeout;
    private io.netty.util.concurrent.ScheduledFuture<?> responseTimer;
    private long invokedNanos;
    private WorkerHandshake handshake;
    private dev.pier.workers.WebSocket clientEnd;
    /** A body the Worker writes as it goes, while it is being sent; and the write that waits for the client to take more. */
    private BodyStream streaming;
    private CompletableFuture<Void> untilClientTakesMore;

    WorkerConnection(WorkerPeer peer, Script script, WorkerUsage usage, Channel client, UpstreamListener listener) {
        this.peer = peer;
        this.script = script;
        this.usage = usage;
        this.client = client;
        this.listener = listener;
    }

    @Override
    public boolean serves(UpstreamPeer other) {
        return false; // each request is an invocation of its own
    }

    @Override
    public boolean reusable() {
        return false;
    }

    /** Up, as far as the flow is concerned, once the flow heard so: from then on the body may come. */
    void markConnected() {
        connected = true;
    }

    @Override
    public boolean connected() {
        return connected;
    }

    @Override
    public boolean writable() {
        return !requestBodyBackedUp;
    }

    @Override
    public String remoteIp() {
        return null;
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    public void sendHead(HttpRequest head, Duration responseTimeout, RequestLogBuilder record) {
        this.head = head;
        this.record = record;
        this.responseTimeout = responseTimeout;
        record.workerScriptName(peer.script());
        if (script != null && script.worker().streamsRequestBodies() && hasBody(head)) {
            requestBody = new BodyStream();
            // in a later task: by then what came in the head's read (the body of a small request, whole) is in the stream
            client.eventLoop().execute(() -> {
                if (!closed) {
                    invoke();
                }
            });
        }
    }

    private static boolean hasBody(HttpRequest head) {
        return HttpUtil.isTransferEncodingChunked(head) || HttpUtil.getContentLength(head, 0L) > 0;
    }

    @Override
    public void sendContent(HttpContent content) {
        try {
            if (closed || head == null) {
                return;
            }
            if (requestBody != null) {
                streamContent(content);
                return;
            }
            ByteBuf bytes = content.content();
            if (bytes.isReadable()) {
                if (body == null) {
                    body = new ByteArrayOutputStream(Math.min(bytes.readableBytes(), 64 * 1024));
                }
                if (body.size() + bytes.readableBytes() > MAX_BODY) {
                    closed = true;
                    listener.upstreamFailed(this, EdgeException.of(EdgeError.WORKER_BODY_TOO_LARGE, null));
                    return;
                }
                body.writeBytes(io.netty.buffer.ByteBufUtil.getBytes(bytes));
            }
            if (content instanceof LastHttpContent) {
                invoke();
            }
        } finally {
            content.release();
        }
    }

    /** Writes part of the body to the Worker's stream; the client is read again once the Worker took it. */
    private void streamContent(HttpContent content) {
        ByteBuf bytes = content.content();
        if (bytes.isReadable()) {
            requestBodySize += bytes.readableBytes();
            if (requestBodySize > MAX_STREAMED_BODY) {
                requestBody.abort("the request body is larger than " + MAX_STREAMED_BODY + " bytes");
                fail(EdgeException.of(EdgeError.WORKER_BODY_TOO_LARGE, null));
                return;
            }
            CompletableFuture<Void> taken = requestBody.write(io.netty.buffer.ByteBufUtil.getBytes(bytes)).toCompletableFuture();
            if (!taken.isDone()) {
                requestBodyBackedUp = true;
                taken.whenComplete((ignored, cancelled) -> onLoop(this::requestBodyTaken));
            }
        }
        if (content instanceof LastHttpContent) {
            requestBody.close();
        }
    }

    private void requestBodyTaken() {
        requestBodyBackedUp = false;
        if (!closed) {
            listener.upstreamWritable(this);
        }
    }

    private void invoke() {
        if (script == null) {
            fail(EdgeException.of(EdgeError.WORKER_NOT_DEPLOYED, "no script " + peer.script() + " is deployed"));
            return;
        }
        Headers headers = new Headers();
        for (Map.Entry<String, String> h : head.headers()) {
            headers.append(h.getKey(), h.getValue());
        }
        RequestCf cf = IncomingCf.of(client, head);
        Request request = requestBody != null ? Request.streamed(head.method().name(), peer.url(), headers, requestBody, cf)
                : new Request(head.method().name(), peer.url(), headers, body == null ? null : body.toByteArray(), cf);
        body = null;
        invokedNanos = System.nanoTime();
        usage.request();
        CompletionStage<Response> stage;
        try {
            stage = script.worker().fetch(request, script.env(), ExecutionContexts.counting(usage));
        } catch (RuntimeException | StackOverflowError e) {
            threw(e);
            return;
        } finally {
            long micros = (System.nanoTime() - invokedNanos) / 1000;
            record.addWorkerCpuTime(micros);
            usage.cpu(micros);
        }
        CompletableFuture<Response> response = stage == null ? CompletableFuture.failedFuture(
                new NullPointerException("fetch returned no stage")) : stage.toCompletableFuture();
        if (response.isDone()) {
            answer(response);
        } else {
            // the zone's proxy_read_timeout bounds a Worker's wait as it bounds an origin's: 524
            responseTimer = client.eventLoop().schedule(() -> fail(EdgeException.of(EdgeError.ORIGIN_TIMEOUT, null)),
                    responseTimeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            response.whenComplete((r, e) -> client.eventLoop().execute(() -> answer(response)));
        }
    }

    private void answer(CompletableFuture<Response> done) {
        if (closed) {
            return;
        }
        if (responseTimer != null) {
            responseTimer.cancel(false);
        }
        record.workerWallTimeUs((System.nanoTime() - invokedNanos) / 1000);
        Response response;
        try {
            response = done.join();
        } catch (RuntimeException e) {
            threw(e.getCause() != null ? e.getCause() : e);
            return;
        }
        if (response == null) {
            threw(new NullPointerException("fetch completed with no response"));
            return;
        }
        if (response.webSocket() != null) {
            if (!headIsUpgrade()) {
                threw(new IllegalStateException("the Worker returned a WebSocket to a request that is not a WebSocket upgrade"));
                return;
            }
            record.workerStatus("ok");
            clientEnd = response.webSocket();
            handshake = WorkerHandshake.answer(head, response.headers());
            listener.upstreamMessage(this, handshake.response());
            return;
        }
        record.workerStatus("ok");
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.statusText() == null
                ? HttpResponseStatus.valueOf(response.status()) : new HttpResponseStatus(response.status(), response.statusText()));
        response.headers().forEach((name, value) -> head.headers().add(name, value));
        if (response.stream() != null) {
            // No length: the flow frames the body (chunked to an HTTP/1.1 client) and sends each chunk as it comes.
            head.headers().remove(HttpHeaderNames.CONTENT_LENGTH).remove(HttpHeaderNames.TRANSFER_ENCODING);
            listener.upstreamMessage(this, head);
            listener.upstreamReadComplete(this);
            streaming = response.stream();
            streaming.consume(new StreamToClient());
            return;
        }
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.bytes().length).remove(HttpHeaderNames.TRANSFER_ENCODING);
        listener.upstreamMessage(this, head);
        listener.upstreamMessage(this, new DefaultLastHttpContent(Unpooled.wrappedBuffer(response.bytes())));
        listener.upstreamReadComplete(this);
    }

    private boolean headIsUpgrade() {
        return "websocket".equalsIgnoreCase(head.headers().get(HttpHeaderNames.UPGRADE));
    }

    private void threw(Throwable e) {
        ResourceLimitException.Limit limit = ResourceLimitException.of(e);
        if (limit == ResourceLimitException.Limit.CPU || limit == ResourceLimitException.Limit.MEMORY) {
            record.workerStatus(limit.outcome());
            usage.limitExceeded(limit.metric());
            fail(EdgeException.of(EdgeError.WORKER_EXCEEDED_RESOURCES, e.toString(), e));
            return;
        }
        record.workerStatus("exception");
        usage.exception();
        fail(EdgeException.of(EdgeError.WORKER_EXCEPTION, e.toString(), e));
    }

    private void fail(EdgeException failure) {
        if (closed) {
            return;
        }
        closed = true;
        listener.upstreamFailed(this, failure);
    }

    @Override
    public void flush() {
    }

    @Override
    public void resumeReading() {
        CompletableFuture<Void> waiting = untilClientTakesMore;
        if (waiting != null) {
            untilClientTakesMore = null;
            waiting.complete(null);
        }
    }

    @Override
    public void close() {
        closed = true;
        body = null;
        if (requestBody != null) {
            requestBody.abort("the client's connection closed before the request body ended"); // nothing when it had ended
        }
        if (responseTimer != null) {
            responseTimer.cancel(false);
        }
        if (streaming != null) {
            streaming.cancel("the client's connection closed");
            streaming = null;
        }
        CompletableFuture<Void> waiting = untilClientTakesMore;
        if (waiting != null) {
            untilClientTakesMore = null;
            waiting.completeExceptionally(new IllegalStateException("the client's connection closed"));
        }
    }

    /** Runs {@code action} on the client's event loop: now when this is it (a Worker writes on its own loop), else in its turn. */
    private void onLoop(Runnable action) {
        if (client.eventLoop().inEventLoop()) {
            action.run();
        } else {
            client.eventLoop().execute(action);
        }
    }

    /** Sends a streamed body's chunks to the client as they come; a write completes when the client can take more. */
    private final class StreamToClient implements BodyStream.Reader {
        @Override
        public void chunk(byte[] bytes, CompletableFuture<Void> taken) {
            onLoop(() -> {
                if (closed) {
                    taken.completeExceptionally(new IllegalStateException("the client's connection closed"));
                    return;
                }
                listener.upstreamMessage(WorkerConnection.this, new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
                if (listener.upstreamReadComplete(WorkerConnection.this)) {
                    taken.complete(null);
                } else {
                    untilClientTakesMore = taken;
                }
            });
        }

        @Override
        public void end() {
            onLoop(() -> {
                if (closed) {
                    return;
                }
                streaming = null;
                listener.upstreamMessage(WorkerConnection.this, LastHttpContent.EMPTY_LAST_CONTENT);
                listener.upstreamReadComplete(WorkerConnection.this);
            });
        }

        @Override
        public void aborted(String reason) {
            onLoop(() -> {
                if (closed) {
                    return;
                }
                streaming = null;
                record.workerStatus("exception");
                usage.exception();
                fail(EdgeException.of(EdgeError.WORKER_EXCEPTION, "the response body stream failed: " + reason));
            });
        }
    }

    @Override
    public ProtocolSwitch.Result switchProtocols(ProtocolSwitch upgrade) {
        WorkerSocket socket = new WorkerSocket(clientEnd, upgrade, usage, invokedNanos);
        return new ProtocolSwitch.Result(socket.handlers(handshake.deflate()), socket::start);
    }
}
