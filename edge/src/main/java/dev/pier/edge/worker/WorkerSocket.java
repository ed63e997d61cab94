package dev.pier.edge.worker;

import dev.pier.analytics.OpenWebSocket;
import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLogBuilder;
import dev.pier.analytics.RequestLogSink;
import dev.pier.analytics.ZoneUsage;
import dev.pier.analytics.WorkerUsage;
import dev.pier.edge.transport.ByteCounter;
import dev.pier.edge.upstream.ProtocolSwitch;
import dev.pier.workers.ResourceLimitException;
import dev.pier.workers.WebSocket;
import dev.pier.workers.host.NodeRequests;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A client's WebSocket that a Worker accepted, terminated at the edge: Netty's RFC 6455 frame
 * codecs (and permessage-deflate when negotiated), messages of up to {@link WebSocket#MAX_MESSAGE_SIZE}
 * (a larger one closes with 1009), text checked to be UTF-8 (else 1007), pings answered here.
 * Each message goes to the Worker's end of the pair on the event loop; what the Worker sends
 * leaves in the same read batch's flush, or at once outside one. The request's record is
 * written when the connection has closed; until then the socket is one of its zone's open
 * WebSockets ({@link OpenWebSocket}), whose getters any thread may call.
 */
final class WorkerSocket extends ChannelInboundHandlerAdapter implements WebSocket.Transport, OpenWebSocket {

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(WorkerSocket.class);

    private final WebSocket clientEnd;
    // What the socket needs of its upgrade, and not the upgrade itself: the request's and the 101's
    // headers would stay in memory for as long as the socket is open (hibernated ones included)
    private final ZoneUsage zoneUsage;
    private final RequestLogSink logging;
    private final long closeGraceNanos;
    private final RequestLogBuilder record;
    private final WorkerUsage usage;
    private final long invokedNanos;
    /** Bytes each way, from the upgrade's (the request, the 101) on: the live view reads each counter as a whole. */
    private final ByteCounter bytes;
    private ChannelHandlerContext ctx;
    private boolean reading;
    private boolean closeSent;
    private boolean closeReceived;
    private long clientMessages;
    private long workerMessages;
    private ScheduledFuture<?> closeTimer;

    WorkerSocket(WebSocket clientEnd, ProtocolSwitch upgrade, WorkerUsage usage, long invokedNanos) {
        this.clientEnd = clientEnd;
        this.zoneUsage = upgrade.usage();
        this.logging = upgrade.logging();
        this.closeGraceNanos = upgrade.closeGrace().toNanos();
        this.record = upgrade.record();
        this.usage = usage;
        this.invokedNanos = invokedNanos;
        this.bytes = new ByteCounter(record.clientRequestBytes(), record.edgeResponseBytes());
    }

    /** The client pipeline from the socket up: bytes counted, frames decoded and encoded, extensions, UTF-8, whole messages, this. */
    List<ChannelHandler> handlers(WebSocketServerExtension deflate) {
        List<ChannelHandler> handlers = new ArrayList<>();
        handlers.add(bytes);
        // The encoder before the decoder: the close frame the decoder writes on a protocol violation (1002) must pass
        // an encoder on its way to the socket, as Netty's handshakers order them
        handlers.add(new WebSocket13FrameEncoder(false));
        handlers.add(new WorkerFrameDecoder(WebSocketDecoderConfig.newBuilder().expectMaskedFrames(true).allowMaskMismatch(false)
                .allowExtensions(deflate != null).maxFramePayloadLength(WebSocket.MAX_MESSAGE_SIZE).closeOnProtocolViolation(false)
                .build()));
        if (deflate != null) {
            handlers.add(deflate.newExtensionDecoder());
            handlers.add(deflate.newExtensionEncoder());
        }
        handlers.add(new Utf8FrameValidator(false)); // a violation is answered here, in exceptionCaught
        handlers.add(new WebSocketFrameAggregator(WebSocket.MAX_MESSAGE_SIZE));
        handlers.add(this);
        return handlers;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Connects the Worker's pair to this client and starts reading. */
    void start() {
        WebSocket.Host.attach(clientEnd, this);
        usage.webSocketOpened();
        zoneUsage.registerOpen(this);
        if (!ctx.channel().isActive()) {
            finish();
            return;
        }
        ctx.channel().config().setAutoRead(true);
        ctx.read();
    }

    @Override
    public RequestLogBuilder record() {
        return record;
    }

    @Override
    public long clientMessages() {
        return clientMessages;
    }

    @Override
    public long originMessages() {
        return workerMessages;
    }

    @Override
    public long clientRequestBytes() {
        return bytes.read();
    }

    @Override
    public long edgeResponseBytes() {
        return bytes.written();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        try {
            switch (msg) {
                case TextWebSocketFrame text -> {
                    clientMessages++;
                    usage.messageIn();
                    String data = text.text();
                    text.release();
                    run(() -> WebSocket.Host.received(clientEnd, data));
                }
                case BinaryWebSocketFrame binary -> {
                    clientMessages++;
                    usage.messageIn();
                    byte[] data = ByteBufUtil.getBytes(binary.content());
                    binary.release();
                    run(() -> WebSocket.Host.received(clientEnd, data));
                }
                case PingWebSocketFrame ping -> ctx.write(new PongWebSocketFrame(ping.content()), ctx.voidPromise());
                case CloseWebSocketFrame close -> onClose(close);
                default -> ReferenceCountUtil.release(msg);
            }
        } catch (RuntimeException e) {
            ReferenceCountUtil.release(msg);
            throw e;
        }
    }

    private void onClose(CloseWebSocketFrame close) {
        int code = close.statusCode() < 0 ? 1005 : close.statusCode();
        String reason = close.reasonText();
        close.release();
        closeReceived = true;
        firstClose(code, RequestLog.ClosedBy.client);
        // The Worker's end hears the close either way: as the start of the handshake, or as the answer to its own close
        run(() -> WebSocket.Host.closed(clientEnd, code == 1005 ? 1000 : code, code == 1005 ? "" : reason));
        if (closeSent) {
            ctx.flush();
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        ctx.flush();
    }

    /** Runs the Worker's code for one event; what it throws closes the socket with 1011. */
    private void run(Runnable event) {
        long start = System.nanoTime();
        try {
            event.run();
        } catch (RuntimeException | StackOverflowError e) {
            logger.error("Worker {} threw while handling a WebSocket event (ray {})", record.workerScriptName(), record.rayId(), e);
            ResourceLimitException.Limit limit = ResourceLimitException.of(e);
            if (limit == ResourceLimitException.Limit.CPU || limit == ResourceLimitException.Limit.MEMORY) {
                record.workerStatus(limit.outcome());
                usage.limitExceeded(limit.metric());
            } else {
                record.workerStatus("exception");
                usage.exception();
            }
            sendClose(1011, "the Worker threw an exception", RequestLog.ClosedBy.origin);
            WebSocket.Host.failed(clientEnd, "the Worker threw an exception");
        } finally {
            long micros = (System.nanoTime() - start) / 1000;
            record.addWorkerCpuTime(micros);
            usage.cpu(micros);
        }
    }

    @Override
    public void send(String text) {
        if (!ctx.executor().inEventLoop()) { // a Durable Object's thread: the socket is the event loop's
            ctx.executor().execute(() -> send(text));
            return;
        }
        workerMessages++;
        usage.messageOut();
        write(new TextWebSocketFrame(text));
    }

    @Override
    public void send(byte[] data) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> send(data));
            return;
        }
        workerMessages++;
        usage.messageOut();
        write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)));
    }

    @Override
    public void close(int code, String reason) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> close(code, reason));
            return;
        }
        sendClose(code, reason, RequestLog.ClosedBy.origin);
    }

    /**
     * The Worker returned a fetch's WebSocket as it was, and the origin's connection ended
     * without a close handshake: the client's ends the same way (it sees 1006).
     */
    @Override
    public void abort(String why) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> abort(why));
            return;
        }
        if (closeSent || !ctx.channel().isActive()) {
            return;
        }
        closeSent = true;
        firstClose(1006, RequestLog.ClosedBy.origin);
        ctx.close();
    }

    private void write(WebSocketFrame frame) {
        if (closeSent || !ctx.channel().isActive()) {
            frame.release();
        } else if (reading) {
            ctx.write(frame, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(frame, ctx.voidPromise());
        }
    }

    /** The Worker's (or the edge's) close frame; once both sides have sent one, or after the close grace, the connection closes. */
    private void sendClose(int code, String reason, RequestLog.ClosedBy by) {
        if (closeSent || !ctx.channel().isActive()) {
            return;
        }
        closeSent = true;
        firstClose(code, by);
        var written = ctx.writeAndFlush(new CloseWebSocketFrame(code, reason));
        if (closeReceived) {
            written.addListener(ChannelFutureListener.CLOSE);
        } else {
            closeTimer = ctx.executor().schedule(() -> {
                ctx.close();
            }, closeGraceNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void firstClose(int code, RequestLog.ClosedBy by) {
        if (record.webSocketClosedBy() == null) {
            record.webSocketCloseCode(code);
            record.webSocketClosedBy(by);
        }
    }

    /**
     * The edge is restarting: the client gets 1001 "edge is restarting" and the Worker's end a
     * close event with the same code; the connection closes when the client answers, or after
     * the close grace. Another node's connection to one of this node's Durable Objects gets
     * {@link NodeRequests#MOVED_CLOSE_CODE} instead: that node goes on, and its client finds the
     * object on a node that runs it once this one gave it up.
     */
    static boolean goAway(io.netty.channel.Channel client) {
        WorkerSocket socket = client.pipeline().get(WorkerSocket.class);
        if (socket == null) {
            return false;
        }
        boolean fromNode = NodeRequests.SCRIPT.equals(socket.record.workerScriptName());
        int code = fromNode ? NodeRequests.MOVED_CLOSE_CODE : 1001;
        String reason = fromNode ? NodeRequests.MOVED_CLOSE_REASON : "edge is restarting";
        socket.sendClose(code, reason, RequestLog.ClosedBy.edge);
        socket.run(() -> WebSocket.Host.closed(socket.clientEnd, code, reason));
        return true;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            sendClose(1009, "message too big", RequestLog.ClosedBy.edge);
        } else if (cause instanceof WorkerFrameDecoder.InvalidClose invalid) {
            answerInvalidClose(invalid.answer());
        } else if (cause instanceof CorruptedWebSocketFrameException violation) {
            failAfterPendingEvents(violation.closeStatus());
        } else {
            ctx.close(); // a reset, or a failure in the pipeline
        }
    }

    /**
     * A frame broke RFC 6455 (the decoder discards whatever follows it): the connection fails with
     * {@code answer} once the Worker's end has handled the messages that came before the frame,
     * so that what it answered to them reaches the client first, as an origin's answers do. For a
     * Worker that is at once; for a Durable Object, after the events it has queued.
     */
    private void failAfterPendingEvents(WebSocketCloseStatus answer) {
        ctx.channel().config().setAutoRead(false);
        firstClose(answer.code(), RequestLog.ClosedBy.edge);
        WebSocket.Host.afterPendingEvents(clientEnd, () -> {
            if (ctx.executor().inEventLoop()) {
                answerInvalidClose(answer);
            } else {
                ctx.executor().execute(() -> answerInvalidClose(answer)); // after the answers the object's events sent
            }
        });
    }

    /**
     * The client's close broke RFC 6455: the connection fails with {@code answer}, then TCP
     * closes. The Worker's end gets an error and a close with 1006 when the connection is gone,
     * as for any frame that breaks the protocol.
     */
    private void answerInvalidClose(WebSocketCloseStatus answer) {
        if (!closeSent && ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(false);
            ctx.writeAndFlush(new CloseWebSocketFrame(answer)).addListener(ChannelFutureListener.CLOSE);
        }
        closeSent = true;
        firstClose(answer.code(), RequestLog.ClosedBy.edge);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish();
        ctx.fireChannelInactive();
    }

    private void finish() {
        if (record.finished()) {
            return;
        }
        if (closeTimer != null) {
            closeTimer.cancel(false);
        }
        if (!(closeSent && closeReceived)) {
            firstClose(1006, RequestLog.ClosedBy.client);
            run(() -> WebSocket.Host.failed(clientEnd, "the client's connection ended without a close handshake"));
        }
        zoneUsage.unregisterOpen(this);
        long toClient = bytes.written() - record.edgeResponseBytes(); // the 101 was counted at the switch
        record.webSocketClientMessages(clientMessages());
        record.webSocketOriginMessages(originMessages());
        record.clientRequestBytes(clientRequestBytes());
        record.edgeResponseBytes(edgeResponseBytes());
        record.workerWallTimeUs((System.nanoTime() - invokedNanos) / 1000);
        zoneUsage.bytesToClient(toClient);
        zoneUsage.closeWebSocket();
        usage.webSocketClosed();
        RequestLog finished = record.finish(Instant.now());
        if (finished != null) {
            logging.accept(finished);
        }
    }
}
