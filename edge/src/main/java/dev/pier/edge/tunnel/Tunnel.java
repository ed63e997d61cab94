package dev.pier.edge.tunnel;

import dev.pier.analytics.OpenWebSocket;
import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLogBuilder;
import dev.pier.analytics.RequestLog.ClosedBy;
import dev.pier.analytics.RequestLogSink;
import dev.pier.analytics.ZoneUsage;
import dev.pier.config.ZoneSettings;
import io.netty.channel.ChannelHandler;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A proxied WebSocket connection after the origin's 101: the client and origin sides, the
 * close handshake between them, what happens when its clocks run out ({@link TunnelTimers}: idle
 * timeout, keepalive, close grace), and the request log record that is written when both sides
 * have closed.
 *
 * <p>Closing follows RFC 6455 §7: each side's close frame is forwarded to the other; once a
 * side has both sent and received a close frame it is closed (the client side by the edge,
 * the origin side by the origin, as the server closes TCP first). When a side goes away
 * without a close frame the edge sends the other side one of its own — 1001 to the origin
 * when the client vanished, 1011 to the client when the origin did — but only at a frame
 * boundary: in the middle of a frame nothing honest can be added, so TCP is closed instead.
 * Whatever happens, both sides are closed at most {@code closeGrace} after the first close.
 *
 * <p>With keepalive on, a side that has sent nothing for the keepalive interval gets a ping
 * from the edge (between frames); its pong is swallowed, so neither peer sees frames it did not
 * ask for. A side that leaves a ping unanswered for another interval is taken for dead: its TCP
 * connection is closed (1006 in the log) and the other side gets 1001.
 *
 * <p>From its start until it finishes the tunnel is one of its zone's open WebSockets
 * ({@link OpenWebSocket}): the live view reads the same counters its record is built from.
 *
 * <p>All methods run on the connection's event loop; both channels share it, except the
 * {@link OpenWebSocket} getters, which any thread may call.
 */
public final class Tunnel implements OpenWebSocket {

    private final TunnelHandler client;
    private final TunnelHandler origin;
    private final RequestLogBuilder log;
    private final ZoneUsage usage;
    private final RequestLogSink sink;
    private final TunnelTimers timers;

    private boolean started;
    private boolean finished;
    private long edgeResponseBytes;

    /**
     * @param log        the upgrade's log record; its byte counts so far (the request and the
     *                   101) are carried on
     * @param usage      the zone's usage; one open WebSocket has been counted for this tunnel
     * @param settings   the zone's idle timeout, keepalive and message size limit
     * @param closeGrace how long a close handshake may take
     * @param reservedOpcodesAllowed true when the 101 negotiated an extension that may define
     *                   reserved opcodes ({@link Extensions#mayDefineOpcodes}); else a frame
     *                   with one fails the connection with 1002
     */
    public Tunnel(RequestLogBuilder log, ZoneUsage usage, RequestLogSink sink, ZoneSettings settings, Duration closeGrace,
            boolean reservedOpcodesAllowed) {
        this.log = log;
        this.usage = usage;
        this.sink = sink;
        this.timers = new TunnelTimers(this, settings, closeGrace);
        FrameRules rules = FrameRules.of(settings.maxMessageSize(), reservedOpcodesAllowed);
        this.client = new TunnelHandler(this, true, rules);
        this.origin = new TunnelHandler(this, false, rules);
        client.peer = origin;
        origin.peer = client;
        // The live view reads each counter as a whole, so each starts from what the upgrade carried
        this.edgeResponseBytes = log.edgeResponseBytes();
        client.bytesRead = log.clientRequestBytes();
        origin.bytesRead = log.originResponseBytes();
    }

    /** The tunnel a client channel carries, or null while it speaks HTTP (or has closed). */
    public static Tunnel of(io.netty.channel.Channel clientChannel) {
        return clientChannel.pipeline().get(TunnelHandler.class) instanceof TunnelHandler handler ? handler.tunnel : null;
    }

    /** The handler to put in the client channel's pipeline. */
    public ChannelHandler clientHandler() {
        return client;
    }

    /** The handler to put in the origin channel's pipeline. */
    public ChannelHandler originHandler() {
        return origin;
    }

    /**
     * Starts forwarding, once both handlers are in place and both HTTP codecs are gone. Bytes
     * that either codec held on to are forwarded first; a side whose channel closed during the
     * switch is then handled as closed (its channelInactive, if still to come, changes nothing).
     */
    public void start() {
        started = true;
        usage.registerOpen(this);
        client.active = client.ctx.channel().isActive();
        origin.active = origin.ctx.channel().isActive();
        long now = timers.start();
        client.lastRead = now;
        origin.lastRead = now;
        client.start();
        origin.start();
        if (!client.active || !origin.active) {
            sideClosed(client.active ? origin : client);
        }
    }

    boolean started() {
        return started;
    }

    boolean finished() {
        return finished;
    }

    String rayId() {
        return log.rayId();
    }

    @Override
    public RequestLogBuilder record() {
        return log;
    }

    @Override
    public long clientMessages() {
        return client.inbound.messages();
    }

    @Override
    public long originMessages() {
        return origin.inbound.messages();
    }

    @Override
    public long clientRequestBytes() {
        return client.bytesRead;
    }

    @Override
    public long edgeResponseBytes() {
        return edgeResponseBytes;
    }

    /** Something was read from a side; returns the time, for that side's own record. */
    long touched() {
        return timers.touched();
    }

    /** The connection's event loop, which both channels share; its clock is the timers'. */
    EventExecutor eventLoop() {
        return client.ctx.executor();
    }

    void sentToClient(int bytes) {
        edgeResponseBytes += bytes;
        usage.bytesToClient(bytes);
    }

    /**
     * The keepalive interval is up: pings each side that has been quiet for {@code interval},
     * and gives up on a side that left the previous ping unanswered as long. Returns false once
     * it has given up, when no more pings are due.
     */
    boolean keepalive(long now, long interval) {
        for (TunnelHandler side : new TunnelHandler[] {client, origin}) {
            if (!side.active || side.gotClose || now - side.lastRead < interval) {
                continue;
            }
            if (side.inbound.pongExpected()) {
                keepaliveFailed(side);
                return false;
            }
            if (side.peer.inbound.atBoundary()) {
                long token = ThreadLocalRandom.current().nextLong();
                side.inbound.expectPong(token);
                side.inject(ControlFrames.ping(side.ctx.alloc(), token, !side.client));
            }
        }
        return true;
    }

    private void keepaliveFailed(TunnelHandler dead) {
        edgeEnded(1006);
        sendClose(dead.peer, ControlFrames.GOING_AWAY, dead.name() + " did not answer keepalive pings");
        dead.sealed = true;
        dead.ctx.close();
        timers.startGrace();
    }

    /**
     * {@code from} sent a message over the zone's limit. The bytes before the offending frame
     * went on; now the receiver gets 1009 (it saw whole frames only), and so does the sender,
     * whose further bytes are dropped.
     */
    void messageTooBig(TunnelHandler from, boolean receiverAtBoundary) {
        edgeEnded(ControlFrames.MESSAGE_TOO_BIG);
        from.discarding = true;
        TunnelHandler to = from.peer;
        if (to.active && !to.gotClose) {
            to.gotClose = true;
            to.sealed = true;
            if (receiverAtBoundary) { // the tracker is past the offending header; the receiver is not
                to.inject(ControlFrames.close(to.ctx.alloc(), ControlFrames.MESSAGE_TOO_BIG, "message too big", !to.client));
            } else {
                to.ctx.close();
            }
        }
        sendClose(from, ControlFrames.MESSAGE_TOO_BIG, "message too big");
        from.closeAfterFlush(); // failing the connection: the sender is not waited for
        timers.startGrace();
    }

    /**
     * {@code from} sent a frame that breaks RFC 6455's framing rules ({@link FrameTracker#PROTOCOL_ERROR}).
     * The bytes before it went on; the frame and everything after it from {@code from} are
     * dropped. The receiver gets 1002 "protocol error" from the edge, which fails the connection
     * as the receiver would have; what the receiver still sends (messages already on their way,
     * then its answering close) reaches {@code from}, which is closed once that close is through
     * or the grace time is up. When the frame's header began in an earlier read, part of it
     * already went to the receiver: no close frame can follow it honestly, so the receiver's TCP
     * is closed and {@code from} gets the 1002 from the edge.
     */
    void protocolError(TunnelHandler from, boolean receiverAtBoundary) {
        edgeEnded(ControlFrames.PROTOCOL_ERROR);
        from.discarding = true;
        TunnelHandler to = from.peer;
        if (to.active && !to.gotClose) {
            to.gotClose = true;
            to.sealed = true;
            if (receiverAtBoundary) {
                to.inject(ControlFrames.close(to.ctx.alloc(), ControlFrames.PROTOCOL_ERROR, "protocol error", !to.client));
            } else {
                sendClose(from, ControlFrames.PROTOCOL_ERROR, "protocol error");
                from.closeAfterFlush();
                to.ctx.close();
            }
        } else if (from.gotClose) {
            from.closeAfterFlush(); // the receiver had closed already: nothing more is coming for the sender
        }
        timers.startGrace();
    }

    /** The log records the edge as the one that ended the connection, with {@code code}, unless a side ended it first. */
    private void edgeEnded(int code) {
        if (log.webSocketClosedBy() == null) {
            log.webSocketClosedBy(ClosedBy.edge);
            log.webSocketCloseCode(code);
        }
    }

    /**
     * The edge ends the connection on its own: both sides get a close frame (at a frame
     * boundary, else a TCP close) and are closed once they answer or the grace time passes.
     */
    public void closeBoth(int code, String reason) {
        if (finished) {
            return;
        }
        edgeEnded(code);
        sendClose(client, code, reason);
        sendClose(origin, code, reason);
        timers.startGrace();
    }

    /** {@code from} sent a complete close frame; it was forwarded unless the peer is gone. */
    void closeFrameFrom(TunnelHandler from) {
        from.sentClose = true;
        if (log.webSocketClosedBy() == null) {
            log.webSocketClosedBy(from.client ? ClosedBy.client : ClosedBy.origin);
            log.webSocketCloseCode(from.inbound.closeCode());
        }
        TunnelHandler to = from.peer;
        if (to.active && !to.sealed) {
            to.gotClose = true;
            to.ctx.flush(); // the close goes out even if closing `from` ends its read batch early
        }
        closeIfDone(from);
        closeIfDone(to);
        timers.startGrace();
    }

    /** {@code side}'s TCP connection closed. */
    void sideClosed(TunnelHandler side) {
        if (side.closeReported) {
            return;
        }
        side.closeReported = true;
        side.active = false;
        if (log.webSocketClosedBy() == null) {
            log.webSocketClosedBy(side.client ? ClosedBy.client : ClosedBy.origin);
            log.webSocketCloseCode(1006); // closed without a close frame
        }
        TunnelHandler other = side.peer;
        if (!other.active) {
            finish();
            return;
        }
        other.resumeReading(); // a side held back for this one must now be read, to see its close
        if (!other.gotClose && !other.sentClose) {
            sendClose(other, side.client ? ControlFrames.GOING_AWAY : ControlFrames.INTERNAL_ERROR,
                    side.client ? "client went away" : "origin went away");
        }
        // When `other` had already sent its close, this side answered it by dropping TCP (RFC 6455
        // allows that after failing a connection): mirror it rather than invent a close code. A
        // side the edge failed (its bytes are dropped) has nothing left to say either.
        if (other.sentClose || other.discarding || !other.active) {
            other.closeAfterFlush();
        }
        timers.startGrace();
    }

    /**
     * Sends {@code to} a close frame of the edge's own: now if the stream toward it is between
     * frames, else as soon as the frame in progress is through, so that a frame the edge has
     * begun to forward is never cut. Bytes that follow are not forwarded to {@code to}.
     */
    private void sendClose(TunnelHandler to, int code, String reason) {
        if (!to.active || to.gotClose) {
            return;
        }
        to.gotClose = true;
        to.pendingCloseCode = code;
        to.pendingCloseReason = reason;
        if (to.peer.inbound.atBoundary()) {
            to.sendPendingClose();
        } else if (!to.peer.active) {
            // The sender is gone mid-frame: the frame will never end, and any bytes the edge
            // added would be taken as message data. Closing TCP is the honest end.
            to.pendingCloseCode = 0;
            to.sealed = true;
            to.ctx.close();
        } else {
            to.peer.inbound.stopAtNextBoundary();
        }
    }

    /**
     * A side that has sent and received a close frame is done (one the edge failed for a
     * protocol error has its close dropped, so receiving one is enough); the edge closes the
     * client's TCP, and the origin's when the client is gone.
     */
    private void closeIfDone(TunnelHandler side) {
        if ((side.sentClose || side.discarding) && side.gotClose && (side.client || !side.peer.active)) {
            side.closeAfterFlush();
        }
    }

    /** The close grace is over: both sides' TCP connections are closed, whatever they were doing. */
    void graceOver() {
        client.ctx.close();
        origin.ctx.close();
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        timers.cancel();
        usage.unregisterOpen(this);
        usage.closeWebSocket();
        log.webSocketClientMessages(clientMessages());
        log.webSocketOriginMessages(originMessages());
        log.clientRequestBytes(clientRequestBytes());
        log.originResponseBytes(origin.bytesRead);
        log.edgeResponseBytes(edgeResponseBytes);
        RequestLog record = log.finish(Instant.now());
        if (record != null) {
            sink.accept(record);
        }
    }
}
