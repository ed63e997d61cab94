package dev.pier.edge.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLogBuilder;
import dev.pier.analytics.RequestLog.ClosedBy;
import dev.pier.analytics.ZoneUsage;
import dev.pier.config.ZoneSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tunnel between two embedded channels: forwarding, close handshakes, timers, accounting. */
class TunnelTest {

    final List<RequestLog> logs = new ArrayList<>();
    final ZoneUsage usage = new ZoneUsage();
    EmbeddedChannel client;
    EmbeddedChannel origin;
    Tunnel tunnel;
    RequestLogBuilder log;

    @BeforeEach
    void open() {
        open(ZoneSettings.DEFAULTS);
    }

    void open(ZoneSettings settings) {
        if (client != null) {
            release(); // the default tunnel from @BeforeEach
            logs.clear();
        }
        log = RequestLog.builder().edgeResponseBytes(129); // the 101 head, counted before the tunnel starts
        usage.tryOpenWebSocket(0);
        tunnel = new Tunnel(log, usage, logs::add, settings, Duration.ofSeconds(5), false);
        client = new EmbeddedChannel();
        origin = new EmbeddedChannel();
        client.freezeTime();
        client.pipeline().addLast(tunnel.clientHandler());
        origin.pipeline().addLast(tunnel.originHandler());
        tunnel.start();
    }

    @AfterEach
    void release() {
        client.finishAndReleaseAll();
        origin.finishAndReleaseAll();
    }

    static ByteBuf bytes(byte[] b) {
        return Unpooled.wrappedBuffer(b);
    }

    static byte[] read(EmbeddedChannel channel) {
        ByteBuf out = Unpooled.buffer();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            out.writeBytes(b);
            b.release();
        }
        byte[] result = ByteBufUtil.getBytes(out);
        out.release();
        return result;
    }

    @Test
    void bytesPassUnchangedBothWays() {
        byte[] masked = FrameTrackerTest.frame(true, 0x1, "hi".getBytes(), new byte[] {1, 2, 3, 4});
        client.writeInbound(bytes(masked));
        assertThat(read(origin)).isEqualTo(masked);
        byte[] plain = FrameTrackerTest.frame(true, 0x2, new byte[500], null);
        origin.writeInbound(bytes(plain));
        assertThat(read(client)).isEqualTo(plain);
    }

    @Test
    void closeHandshakeEndsWithOneLogRecord() {
        byte[] close = FrameTrackerTest.frame(true, 0x8, FrameTrackerTest.closePayload(1000, "bye"), new byte[] {5, 6, 7, 8});
        client.writeInbound(bytes(close));
        assertThat(read(origin)).isEqualTo(close);
        byte[] reply = FrameTrackerTest.frame(true, 0x8, FrameTrackerTest.closePayload(1000, "bye"), null);
        origin.writeInbound(bytes(reply));
        assertThat(read(client)).isEqualTo(reply);
        assertThat(client.isOpen()).isFalse(); // the edge closes the client's TCP once both closes passed
        origin.close();
        assertThat(logs).hasSize(1);
        RequestLog done = logs.get(0);
        assertThat(done.webSocketCloseCode()).isEqualTo(1000);
        assertThat(done.webSocketClosedBy()).isEqualTo(ClosedBy.client);
        assertThat(done.edgeResponseBytes()).isEqualTo(129 + reply.length);
        assertThat(usage.openWebSockets()).isZero();
    }

    @Test
    void originGoneAtABoundaryGivesTheClientA1011Close() {
        origin.writeInbound(bytes(FrameTrackerTest.frame(true, 0x1, "last".getBytes(), null)));
        read(client);
        origin.close();
        byte[] expected = FrameTrackerTest.frame(true, 0x8, FrameTrackerTest.closePayload(1011, "origin went away"), null);
        assertThat(read(client)).isEqualTo(expected);
        // the client answers; the edge then closes its TCP
        client.writeInbound(bytes(FrameTrackerTest.frame(true, 0x8, FrameTrackerTest.closePayload(1011, ""), new byte[] {1, 1, 1, 1})));
        assertThat(client.isOpen()).isFalse();
        assertThat(logs).hasSize(1);
        assertThat(logs.get(0).webSocketClosedBy()).isEqualTo(ClosedBy.origin);
    }

    @Test
    void clientGoneGivesTheOriginAMasked1001Close() {
        client.close();
        byte[] frame = read(origin);
        assertThat(frame[0] & 0xFF).isEqualTo(0x88);
        assertThat(frame[1] & 0x80).as("mask bit").isEqualTo(0x80);
        FrameTracker tracker = new FrameTracker();
        ByteBuf buf = bytes(frame);
        tracker.track(buf);
        buf.release();
        assertThat(tracker.closeCode()).isEqualTo(1001);
    }

    @Test
    void idleTimeoutClosesBothSidesAndTheGraceTimerFinishesTheJob() {
        client.advanceTimeBy(99, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        assertThat(read(client)).isEmpty();
        client.advanceTimeBy(2, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        byte[] toClient = read(client);
        assertThat(toClient).isEqualTo(FrameTrackerTest.frame(true, 0x8, FrameTrackerTest.closePayload(1001, "idle timeout"), null));
        assertThat(read(origin)[0] & 0xFF).isEqualTo(0x88);
        // nobody answers: after the close grace both are closed
        client.advanceTimeBy(6, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        assertThat(client.isOpen()).isFalse();
        assertThat(origin.isOpen()).isFalse();
        assertThat(logs).hasSize(1);
        assertThat(logs.get(0).webSocketClosedBy()).isEqualTo(ClosedBy.edge);
    }

    @Test
    void trafficResetsTheIdleTimer() {
        client.advanceTimeBy(90, TimeUnit.SECONDS);
        client.writeInbound(bytes(FrameTrackerTest.frame(true, 0x1, "x".getBytes(), new byte[] {1, 2, 3, 4})));
        read(origin);
        client.advanceTimeBy(90, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        assertThat(read(client)).isEmpty();
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void aSlowPeerStopsReadingFromTheOtherSide() {
        origin.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        assertThat(origin.isWritable()).isFalse();
        client.writeInbound(bytes(new byte[] {(byte) 0x82, (byte) 0x80, 0, 0, 0, 0}));
        read(origin);
        origin.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        assertThat(origin.isWritable()).isTrue();
        // reading resumed: bytes flow again
        client.writeInbound(bytes(new byte[] {(byte) 0x82, (byte) 0x80, 0, 0, 0, 0}));
        assertThat(read(origin)).hasSize(6);
    }

    static byte[] masked(int opcode, byte[] payload) {
        return FrameTrackerTest.frame(true, opcode, payload, new byte[] {3, 1, 4, 1});
    }

    static long token(byte[] pingFrame, boolean masked) {
        ByteBuf frame = Unpooled.wrappedBuffer(pingFrame);
        long payload = frame.getLong(masked ? 6 : 2);
        if (masked) {
            long mask = frame.getUnsignedInt(2);
            payload ^= (mask << 32) | mask;
        }
        frame.release();
        return payload;
    }

    static byte[] pong(long token, byte[] mask) {
        return FrameTrackerTest.frame(true, 0xA, java.nio.ByteBuffer.allocate(8).putLong(token).array(), mask);
    }

    @Test
    void keepalivePingsQuietSidesAndSwallowsTheirPongs() {
        open(ZoneSettings.builder().idleTimeout(Duration.ofSeconds(10)).keepalive(Duration.ofSeconds(3)).build());
        client.advanceTimeBy(3, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        byte[] toClient = read(client);
        byte[] toOrigin = read(origin);
        assertThat(toClient[0] & 0xFF).isEqualTo(0x89);
        assertThat(toClient[1] & 0xFF).as("unmasked, 8-byte payload").isEqualTo(8);
        assertThat(toOrigin[0] & 0xFF).isEqualTo(0x89);
        assertThat(toOrigin[1] & 0xFF).as("masked toward the origin").isEqualTo(0x88);

        // The client's pong arrives glued between two of its messages: only the messages go on.
        byte[] before = masked(0x1, "before".getBytes());
        byte[] after = masked(0x1, "after".getBytes());
        byte[] pong = pong(token(toClient, false), new byte[] {7, 7, 7, 7});
        client.writeInbound(bytes(concat(before, pong, after)));
        assertThat(read(origin)).isEqualTo(concat(before, after));
        // The origin's pong arrives split in two reads: held back, then swallowed.
        byte[] originPong = pong(token(toOrigin, true), null);
        origin.writeInbound(bytes(java.util.Arrays.copyOf(originPong, 3)));
        origin.writeInbound(bytes(java.util.Arrays.copyOfRange(originPong, 3, originPong.length)));
        assertThat(read(client)).isEmpty();
        // A pong the edge did not ask for passes through untouched.
        byte[] theirs = pong(42, new byte[] {1, 2, 3, 4});
        client.writeInbound(bytes(theirs));
        assertThat(read(origin)).isEqualTo(theirs);

        // Answered pings keep the connection open far past the idle timeout.
        for (int i = 0; i < 10; i++) {
            client.advanceTimeBy(3, TimeUnit.SECONDS);
            client.runScheduledPendingTasks();
            byte[] ping = read(client);
            if (ping.length > 0) {
                client.writeInbound(bytes(pong(token(ping, false), new byte[] {5, 5, 5, 5})));
            }
            byte[] originPing = read(origin);
            if (originPing.length > 0) {
                origin.writeInbound(bytes(pong(token(originPing, true), null)));
            }
        }
        assertThat(logs).as("%s", logs.isEmpty() ? "" : logs.get(0).webSocketClosedBy() + " " + logs.get(0).webSocketCloseCode()).isEmpty();
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void aSideThatStopsAnsweringPingsIsClosed() {
        open(ZoneSettings.builder().keepalive(Duration.ofSeconds(3)).build());
        client.advanceTimeBy(3, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        client.writeInbound(bytes(pong(token(read(client), false), new byte[] {1, 1, 1, 1}))); // the client answers
        read(origin); // the origin never does
        client.advanceTimeBy(3, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        origin.runPendingTasks();
        assertThat(origin.isOpen()).isFalse();
        byte[] toClient = read(client);
        byte[] close = FrameTrackerTest.frame(true, 0x8, FrameTrackerTest.closePayload(1001, "origin did not answer keepalive pings"), null);
        assertThat(java.util.Arrays.copyOfRange(toClient, toClient.length - close.length, toClient.length)).isEqualTo(close);
    }

    @Test
    void aMessageOverTheLimitClosesBothSidesWith1009() {
        open(ZoneSettings.builder().maxMessageSize(100).build());
        byte[] small = masked(0x2, new byte[100]);
        byte[] firstPart = FrameTrackerTest.frame(false, 0x2, new byte[60], new byte[] {1, 2, 3, 4});
        byte[] tooMuch = FrameTrackerTest.frame(true, 0x0, new byte[60], new byte[] {1, 2, 3, 4});
        client.writeInbound(bytes(concat(small, firstPart, tooMuch)));
        byte[] toOrigin = read(origin);
        byte[] close1009 = java.util.Arrays.copyOfRange(toOrigin, small.length + firstPart.length, toOrigin.length);
        assertThat(java.util.Arrays.copyOf(toOrigin, small.length + firstPart.length)).isEqualTo(concat(small, firstPart));
        FrameTracker seen = new FrameTracker();
        ByteBuf closeBuf = bytes(close1009);
        seen.track(closeBuf);
        closeBuf.release();
        assertThat(seen.closeCode()).isEqualTo(1009);
        assertThat(read(client)).isEqualTo(FrameTrackerTest.frame(true, 0x8, FrameTrackerTest.closePayload(1009, "message too big"), null));
        client.runPendingTasks();
        assertThat(client.isOpen()).isFalse();
        origin.writeInbound(bytes(FrameTrackerTest.frame(true, 0x8, FrameTrackerTest.closePayload(1009, ""), null)));
        origin.close();
        assertThat(logs).singleElement().satisfies(l -> {
            assertThat(l.webSocketCloseCode()).isEqualTo(1009);
            assertThat(l.webSocketClosedBy()).isEqualTo(ClosedBy.edge);
        });
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void theEdgesCloseWaitsForTheFrameInProgress() {
        byte[] frame = FrameTrackerTest.frame(true, 0x2, new byte[100], null);
        byte[] next = FrameTrackerTest.frame(true, 0x1, "after the close".getBytes(), null);
        origin.writeInbound(bytes(java.util.Arrays.copyOf(frame, 40)));
        assertThat(read(client)).hasSize(40);
        tunnel.closeBoth(1001, "edge is restarting");
        assertThat(read(client)).as("nothing cuts into the frame").isEmpty();
        assertThat(read(origin)[0] & 0xFF).as("the origin's stream was between frames").isEqualTo(0x88);
        origin.writeInbound(bytes(concat(java.util.Arrays.copyOfRange(frame, 40, frame.length), next)));
        byte[] close = FrameTrackerTest.frame(true, 0x8, FrameTrackerTest.closePayload(1001, "edge is restarting"), null);
        assertThat(read(client)).isEqualTo(concat(java.util.Arrays.copyOfRange(frame, 40, frame.length), close));
    }

    @Test
    void anOriginThatDropsTcpAfterTheClientsCloseIsMirroredNotGivenACode() {
        // Autobahn 7.9.x: the client sends an invalid close, the origin fails the connection by closing TCP
        client.writeInbound(bytes(FrameTrackerTest.frame(true, 0x8, FrameTrackerTest.closePayload(999, ""), new byte[] {1, 2, 3, 4})));
        read(origin);
        origin.close();
        assertThat(read(client)).as("no made-up 1011").isEmpty();
        client.runPendingTasks();
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void aSideHeldBackForAFullPeerIsReadAgainWhenThePeerCloses() {
        origin.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        client.writeInbound(bytes(new byte[] {(byte) 0x82, (byte) 0x80, 0, 0, 0, 0}));
        assertThat(client.config().isAutoRead()).as("held back").isFalse();
        origin.close();
        assertThat(client.config().isAutoRead()).as("read on, to see the client's close").isTrue();
    }

    // ------------------------------------------------------------ before the start

    /** A tunnel whose handlers are added but not started, as during the pipeline switch. */
    void openUnstarted() {
        release();
        logs.clear();
        log = RequestLog.builder();
        usage.tryOpenWebSocket(0);
        tunnel = new Tunnel(log, usage, logs::add, ZoneSettings.DEFAULTS, Duration.ofSeconds(5), false);
        client = new EmbeddedChannel();
        origin = new EmbeddedChannel();
        client.freezeTime();
    }

    @Test
    void beforeTheStartTheOriginSideOnlyKeepsWhatTheRemovedCodecHandsOn() {
        openUnstarted();
        // The origin's pipeline is switched first: its codec hands on the frames that came
        // with the 101 and signals read-complete while the client side has no handler yet.
        origin.pipeline().addLast(tunnel.originHandler());
        byte[] first = FrameTrackerTest.frame(true, 0x1, "first".getBytes(), null);
        origin.pipeline().fireChannelRead(bytes(first));
        origin.pipeline().fireChannelReadComplete();
        origin.pipeline().fireChannelWritabilityChanged();
        client.pipeline().addLast(tunnel.clientHandler());
        byte[] early = FrameTrackerTest.frame(true, 0x1, "early".getBytes(), new byte[] {1, 2, 3, 4});
        client.pipeline().fireChannelRead(bytes(early));
        client.pipeline().fireChannelReadComplete();
        assertThat(origin.isOpen()).as("nothing failed before the start").isTrue();
        assertThat(read(client)).isEmpty();

        tunnel.start();
        assertThat(read(client)).isEqualTo(first);
        assertThat(read(origin)).isEqualTo(early);
        byte[] second = FrameTrackerTest.frame(true, 0x1, "second".getBytes(), null);
        origin.writeInbound(bytes(second));
        assertThat(read(client)).as("the tunnel lives on").isEqualTo(second);
        assertThat(client.config().isAutoRead()).isTrue();
        assertThat(origin.config().isAutoRead()).isTrue();
    }

    @Test
    void anOriginThatClosedDuringTheSwitchHasItsLastFramesDeliveredThenA1011() {
        openUnstarted();
        // The origin sent its last frames with the 101 and closed: the channel is closed by the
        // time the tunnel starts (in a real event loop its channelInactive comes later).
        origin.close();
        origin.pipeline().addLast(tunnel.originHandler());
        byte[] last = FrameTrackerTest.frame(true, 0x1, "last words".getBytes(), null);
        origin.pipeline().fireChannelRead(bytes(last));
        origin.pipeline().fireChannelInactive();
        client.pipeline().addLast(tunnel.clientHandler());
        tunnel.start();
        byte[] close1011 = FrameTrackerTest.frame(true, 0x8, FrameTrackerTest.closePayload(1011, "origin went away"), null);
        assertThat(read(client)).isEqualTo(concat(last, close1011));
        client.writeInbound(bytes(FrameTrackerTest.frame(true, 0x8, FrameTrackerTest.closePayload(1011, ""), new byte[] {1, 1, 1, 1})));
        client.runPendingTasks();
        assertThat(client.isOpen()).isFalse();
        assertThat(logs).singleElement().satisfies(l -> {
            assertThat(l.webSocketClosedBy()).isEqualTo(ClosedBy.origin);
            assertThat(l.webSocketCloseCode()).isEqualTo(1006);
            assertThat(l.webSocketOriginMessages()).isEqualTo(1);
        });
    }

    @Test
    void earlyBytesThatFillTheClientKeepTheOriginHeldBack() {
        openUnstarted();
        origin.pipeline().addLast(tunnel.originHandler());
        origin.pipeline().fireChannelRead(bytes(FrameTrackerTest.frame(true, 0x2, new byte[1000], null)));
        client.pipeline().addLast(tunnel.clientHandler());
        client.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        tunnel.start();
        assertThat(origin.config().isAutoRead()).as("held back for the full client").isFalse();
        client.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        client.runPendingTasks();
        assertThat(origin.config().isAutoRead()).isTrue();
    }

    // ------------------------------------------------------------ protocol errors

    static final byte[] CLIENT_MASK = {9, 9, 9, 9};

    @Test
    void aClientsReservedOpcodeGivesTheOrigin1002AndTheOriginsAnswerReachesTheClient() {
        byte[] hello = FrameTrackerTest.frame(true, 0x1, "hello".getBytes(), CLIENT_MASK);
        byte[] reserved = FrameTrackerTest.frame(true, 0x3, new byte[100_000], CLIENT_MASK);
        client.writeInbound(bytes(concat(hello, java.util.Arrays.copyOf(reserved, 5000))));
        byte[] toOrigin = read(origin);
        assertThat(java.util.Arrays.copyOf(toOrigin, hello.length)).isEqualTo(hello);
        FrameTracker seen = new FrameTracker();
        ByteBuf closeBuf = bytes(java.util.Arrays.copyOfRange(toOrigin, hello.length, toOrigin.length));
        assertThat(seen.track(closeBuf)).as("a whole close frame follows, nothing else").isTrue();
        assertThat(seen.atBoundary()).isTrue();
        closeBuf.release();
        assertThat(seen.closeCode()).isEqualTo(1002);
        assertThat(toOrigin[hello.length + 1] & 0x80).as("masked, toward the origin").isEqualTo(0x80);

        client.writeInbound(bytes(java.util.Arrays.copyOfRange(reserved, 5000, reserved.length)));
        assertThat(read(origin)).as("the rest of the bad frame is dropped").isEmpty();
        assertThat(client.isOpen()).isTrue();

        // the origin's echo, already on its way, and its answering close reach the client
        byte[] echo = FrameTrackerTest.frame(true, 0x1, "hello".getBytes(), null);
        byte[] answer = FrameTrackerTest.frame(true, 0x8, FrameTrackerTest.closePayload(1002, "protocol error"), null);
        origin.writeInbound(bytes(concat(echo, answer)));
        assertThat(read(client)).isEqualTo(concat(echo, answer));
        client.runPendingTasks();
        assertThat(client.isOpen()).as("the failed client is closed once the close is through").isFalse();
        origin.close();
        assertThat(logs).singleElement().satisfies(l -> {
            assertThat(l.webSocketClosedBy()).isEqualTo(ClosedBy.edge);
            assertThat(l.webSocketCloseCode()).isEqualTo(1002);
            assertThat(l.webSocketClientMessages()).isEqualTo(1);
        });
    }

    @Test
    void anOriginsOversizedPingGivesTheClient1002() {
        origin.writeInbound(bytes(FrameTrackerTest.frame(true, 0x9, new byte[126], null)));
        assertThat(read(client)).isEqualTo(FrameTrackerTest.frame(true, 0x8, FrameTrackerTest.closePayload(1002, "protocol error"), null));
        origin.writeInbound(bytes(FrameTrackerTest.frame(true, 0x1, "more".getBytes(), null)));
        assertThat(read(client)).as("nothing from the origin after the bad frame").isEmpty();
        client.writeInbound(bytes(FrameTrackerTest.frame(true, 0x8, FrameTrackerTest.closePayload(1002, ""), CLIENT_MASK)));
        assertThat(read(origin)[0] & 0xFF).as("the client's answer goes to the origin").isEqualTo(0x88);
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void aBadHeaderSplitAcrossReadsClosesTheReceiversTcpAndGivesTheSender1002() {
        byte[] bad = FrameTrackerTest.frame(false, 0x9, new byte[4], CLIENT_MASK);
        client.writeInbound(bytes(java.util.Arrays.copyOf(bad, 1)));
        assertThat(read(origin)).hasSize(1);
        client.writeInbound(bytes(java.util.Arrays.copyOfRange(bad, 1, bad.length)));
        assertThat(read(origin)).as("no close can follow half a header").isEmpty();
        origin.runPendingTasks();
        assertThat(origin.isOpen()).isFalse();
        assertThat(read(client)).isEqualTo(FrameTrackerTest.frame(true, 0x8, FrameTrackerTest.closePayload(1002, "protocol error"), null));
    }
}
