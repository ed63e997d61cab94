package dev.pier.edge.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.workers.Timers;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The node's timers: a task runs on the event loop that scheduled it, after its delay, unless cancelled. */
class LoopTimersTest {

    final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(3, NioIoHandler.newFactory());
    final LoopTimers timers = new LoopTimers(loops);

    @AfterEach
    void stop() {
        Timers.Host.uninstall(timers);
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aTaskRunsOnTheLoopThatScheduledItAfterItsDelay() throws Exception {
        Timers.Host.install(timers);
        for (int i = 0; i < 3; i++) {
            CompletableFuture<String> ran = new CompletableFuture<>();
            CompletableFuture<Thread> scheduler = new CompletableFuture<>();
            long[] at = new long[1];
            loops.next().execute(() -> {
                scheduler.complete(Thread.currentThread());
                at[0] = System.nanoTime();
                Timers.schedule(() -> ran.complete(Thread.currentThread().getName() + " "
                        + (System.nanoTime() - at[0] >= Duration.ofMillis(30).toNanos())), Duration.ofMillis(30));
            });
            assertThat(ran.get(5, TimeUnit.SECONDS)).isEqualTo(scheduler.get().getName() + " true");
        }
    }

    @Test
    void aCancelledTaskDoesNotRunAndOneFromElsewhereRunsOnALoop() throws Exception {
        CompletableFuture<String> cancelled = new CompletableFuture<>();
        Future<?> timer = timers.schedule(() -> cancelled.complete("ran"), Duration.ofMillis(50));
        assertThat(timer.cancel(false)).isTrue();
        CompletableFuture<Boolean> elsewhere = new CompletableFuture<>();
        timers.schedule(() -> elsewhere.complete(java.util.stream.StreamSupport.stream(loops.spliterator(), false).anyMatch(l -> l.inEventLoop())), Duration.ofMillis(60));
        assertThat(elsewhere.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(cancelled).isNotDone();
    }
}
