package dev.pier.edge.http;

import dev.pier.edge.transport.ByteCounter;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Times the wait for a request head on a connection (slowloris defence, keep-alive idle limit):
 * when it runs out, a connection that sent nothing since the timer started is idle, and one that
 * sent part of a head is trickling it.
 */
public final class HeadTimer {

    /** What a connection does when the head is late. */
    public interface Expiry {
        /** Nothing arrived: a keep-alive connection nobody uses, closed quietly. */
        void idle();

        /** Part of a head arrived and the rest did not: answered 408 and closed. */
        void trickled();
    }

    private final ByteCounter traffic;
    private final Expiry expiry;
    private ScheduledFuture<?> timer;
    private long readMark;

    public HeadTimer(ByteCounter traffic, Expiry expiry) {
        this.traffic = traffic;
        this.expiry = expiry;
    }

    /** Starts (or restarts) the wait. */
    public void start(EventExecutor loop, Duration timeout) {
        cancel();
        readMark = traffic.read();
        timer = loop.schedule(this::expired, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A head arrived (or the connection closed). */
    public void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        timer = null;
        if (traffic.read() == readMark) {
            expiry.idle();
        } else {
            expiry.trickled();
        }
    }
}
