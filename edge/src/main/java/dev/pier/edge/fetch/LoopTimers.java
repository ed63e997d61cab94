package dev.pier.edge.fetch;

import dev.pier.workers.Timers;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The node's {@link Timers.Host}: a task runs on the event loop that scheduled it (a Worker's
 * timer on its connection's loop, where its script's context lives), or on the next loop when the
 * caller is none of the node's (a Durable Object's thread).
 */
public final class LoopTimers implements Timers.Host {

    private final EventLoopGroup loops;

    public LoopTimers(EventLoopGroup loops) {
        this.loops = loops;
    }

    @Override
    public Future<?> schedule(Runnable task, Duration delay) {
        return callersLoop().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private EventExecutor callersLoop() {
        for (EventExecutor loop : loops) {
            if (loop.inEventLoop()) {
                return loop;
            }
        }
        return loops.next();
    }
}
