package dev.pier.edge.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLog.ClosedBy;
import dev.pier.analytics.ZoneUsage;
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
    RequestLog log;

    @BeforeEach
    void open() {
        log = new RequestLog();
        log.edgeResponseBytes = 129; // the 101 head, counted before the tunnel starts
        usage.tryOpenWebSocket(0);
        tunnel = new Tunnel(log, usage, logs::add, Duration.ofSeconds(100), Duration.ofSeconds(5));
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
        assertThat(done.webSocketCloseCode).isEqualTo(1000);
        assertThat(done.webSocketClosedBy).isEqualTo(ClosedBy.client);
        assertThat(done.edgeResponseBytes).isEqualTo(129 + reply.length);
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
        assertThat(logs.get(0).webSocketClosedBy).isEqualTo(ClosedBy.origin);
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
        assertThat(logs.get(0).webSocketClosedBy).isEqualTo(ClosedBy.edge);
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
}
