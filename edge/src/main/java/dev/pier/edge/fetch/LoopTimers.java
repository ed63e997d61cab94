package dev.pier.edge.fetch;

import dev.pier.workers.Timers;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The node's {@link Timers.Host}: a task runs on the event loop that scheduled it (a Worker's
 * timer on its connection's loop, where its script's context lives). A caller that is none of
 * the node's loops (a Durable Object's thread) always gets the same loop, chosen by its thread, so
 * its timers keep their order: one loop runs them by deadline, two would race.
 */
public final class LoopTimers implements Timers.Host {

    private final EventExecutor[] loops;

    public LoopTimers(EventLoopGroup loops) {
        this.loops = java.util.stream.StreamSupport.stream(loops.spliterator(), false).toArray(EventExecutor[]::new);
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
        return loops[(int) Math.floorMod(Thread.currentThread().threadId(), (long) loops.length)];
    }
}
