package dev.pier.edge.tunnel;

import dev.pier.config.ZoneSettings;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Tunnel}'s clocks: the idle timeout (no data either way), the keepalive interval and
 * the close grace. Each is one task on the connection's event loop, scheduled once per period
 * rather than per read: a read only notes the time, and the idle timer, when it fires early,
 * sleeps again for what is left. What a clock does when it runs out is the tunnel's.
 *
 * <p>Time is the event loop's clock, so tests can drive it. All methods run on the event loop.
 */
final class TunnelTimers {

    private final Tunnel tunnel;
    private final long idleNanos;
    private final long keepaliveNanos;
    private final long closeGraceNanos;

    private long lastActivity;
    private ScheduledFuture<?> idleTimer;
    private ScheduledFuture<?> keepaliveTimer;
    private ScheduledFuture<?> graceTimer;

    /**
     * @param settings   the zone's idle timeout and keepalive interval (none: no pings)
     * @param closeGrace how long a close handshake may take
     */
    TunnelTimers(Tunnel tunnel, ZoneSettings settings, Duration closeGrace) {
        this.tunnel = tunnel;
        this.idleNanos = settings.idleTimeout().toNanos();
        this.keepaliveNanos = settings.keepalive() == null ? 0 : settings.keepalive().toNanos();
        this.closeGraceNanos = closeGrace.toNanos();
    }

    /** Starts the idle timer and, with keepalive on, the keepalive timer; returns the time now. */
    long start() {
        lastActivity = now();
        idleTimer = tunnel.eventLoop().schedule(this::checkIdle, idleNanos, TimeUnit.NANOSECONDS);
        if (keepaliveNanos > 0) {
            keepaliveTimer = tunnel.eventLoop().schedule(this::keepalive, keepaliveNanos, TimeUnit.NANOSECONDS);
        }
        return lastActivity;
    }

    /** Something was read from a side; returns the time, for that side's own record. */
    long touched() {
        return lastActivity = now();
    }

    private long now() {
        return tunnel.eventLoop().ticker().nanoTime();
    }

    private void checkIdle() {
        if (tunnel.finished()) {
            return;
        }
        long idle = now() - lastActivity;
        if (idle < idleNanos) {
            idleTimer = tunnel.eventLoop().schedule(this::checkIdle, idleNanos - idle, TimeUnit.NANOSECONDS);
            return;
        }
        tunnel.closeBoth(ControlFrames.GOING_AWAY, "idle timeout");
    }

    private void keepalive() {
        if (tunnel.finished()) {
            return;
        }
        if (tunnel.keepalive(now(), keepaliveNanos)) {
            keepaliveTimer = tunnel.eventLoop().schedule(this::keepalive, keepaliveNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Starts the close grace, once: when it is over, the tunnel closes both sides' TCP. */
    void startGrace() {
        if (graceTimer == null && !tunnel.finished()) {
            graceTimer = tunnel.eventLoop().schedule(tunnel::graceOver, closeGraceNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The tunnel has finished: no clock runs any more. */
    void cancel() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        if (keepaliveTimer != null) {
            keepaliveTimer.cancel(false);
        }
        if (graceTimer != null) {
            graceTimer.cancel(false);
        }
    }
}
