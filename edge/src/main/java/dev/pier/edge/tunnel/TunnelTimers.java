package dev.pier.edge.tunnel;

import dev.pier.config.ZoneSettings;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Tunnel}'s clocks: the idle timeout (no data either way), the keepalive interval and
 * the close grace. The idle timeout and keepalive share one task on the connection's event loop
 * (this object: an idle connection holds one scheduled task, not one per clock), scheduled for
 * whichever is due first rather than per read: a read only notes the time, and the task, when it
 * finds the connection was not idle for long enough, sleeps again for what is left. What a clock
 * does when it runs out is the tunnel's.
 *
 * <p>Time is the event loop's clock, so tests can drive it. All methods run on the event loop.
 */
final class TunnelTimers implements Runnable {

    private final Tunnel tunnel;
    /** The zone's idle timeout and keepalive interval, read when the clock runs: the settings are shared, copies would not be. */
    private final ZoneSettings settings;
    private final Duration closeGrace;

    private long lastActivity;
    /** The idle timeout has closed the tunnel: only keepalive may still be due. */
    private boolean idleOver;
    /** Keepalive pings are due at {@link #nextKeepalive}: on, and not given up. */
    private boolean keepaliveOn;
    private long nextKeepalive;
    private ScheduledFuture<?> clock;
    private ScheduledFuture<?> graceTimer;

    /**
     * @param settings   the zone's idle timeout and keepalive interval (none: no pings)
     * @param closeGrace how long a close handshake may take
     */
    TunnelTimers(Tunnel tunnel, ZoneSettings settings, Duration closeGrace) {
        this.tunnel = tunnel;
        this.settings = settings;
        this.closeGrace = closeGrace;
    }

    private long idleNanos() {
        return settings.idleTimeout().toNanos();
    }

    /** The keepalive interval; 0 when keepalive is off. */
    private long keepaliveNanos() {
        return settings.keepalive() == null ? 0 : settings.keepalive().toNanos();
    }

    /** Starts the idle timeout and, with keepalive on, the keepalive interval; returns the time now. */
    long start() {
        lastActivity = now();
        long keepaliveNanos = keepaliveNanos();
        keepaliveOn = keepaliveNanos > 0;
        nextKeepalive = lastActivity + keepaliveNanos;
        scheduleFrom(lastActivity);
        return lastActivity;
    }

    /** Something was read from a side; returns the time, for that side's own record. */
    long touched() {
        return lastActivity = now();
    }

    private long now() {
        return tunnel.eventLoop().ticker().nanoTime();
    }

    /** The idle timeout or the keepalive interval may be up: does what is due, then sleeps until the next. */
    @Override
    public void run() {
        clock = null;
        if (tunnel.finished()) {
            return;
        }
        long now = now();
        if (!idleOver && now - lastActivity >= idleNanos()) {
            idleOver = true;
            tunnel.closeBoth(ControlFrames.GOING_AWAY, "idle timeout");
        }
        if (keepaliveOn && now - nextKeepalive >= 0 && !tunnel.finished()) {
            long keepaliveNanos = keepaliveNanos();
            keepaliveOn = tunnel.keepalive(now, keepaliveNanos);
            nextKeepalive = now + keepaliveNanos;
        }
        scheduleFrom(now);
    }

    /** Schedules this task for whichever clock runs out first after {@code now}; none: nothing. */
    private void scheduleFrom(long now) {
        long delay = Long.MAX_VALUE;
        if (!idleOver) {
            delay = lastActivity + idleNanos() - now;
        }
        if (keepaliveOn) {
            delay = Math.min(delay, nextKeepalive - now);
        }
        if (delay != Long.MAX_VALUE) {
            clock = tunnel.eventLoop().schedule(this, Math.max(delay, 0), TimeUnit.NANOSECONDS);
        }
    }

    /** Starts the close grace, once: when it is over, the tunnel closes both sides' TCP. */
    void startGrace() {
        if (graceTimer == null && !tunnel.finished()) {
            graceTimer = tunnel.eventLoop().schedule(tunnel::graceOver, closeGrace.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** The tunnel has finished: no clock runs any more. */
    void cancel() {
        if (clock != null) {
            clock.cancel(false);
            clock = null;
        }
        if (graceTimer != null) {
            graceTimer.cancel(false);
        }
    }
}
