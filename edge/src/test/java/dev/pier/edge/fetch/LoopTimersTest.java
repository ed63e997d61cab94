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

    @Test
    void tasksFromAThreadOutsideTheLoopsRunInTheirDeadlinesOrder() throws Exception {
        // A Durable Object's thread: were its timers spread over the loops, a busy loop would run a later one first.
        java.util.List<Integer> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread object = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 30; i++) {
                int n = i;
                timers.schedule(() -> ran.add(n), Duration.ofMillis(20 + i));
            }
            timers.schedule(() -> done.complete(null), Duration.ofMillis(200));
        });
        object.join();
        for (io.netty.util.concurrent.EventExecutor loop : loops) {
            loop.execute(() -> { // each loop busy for 40 ms while the timers come due
                long end = System.nanoTime() + Duration.ofMillis(40).toNanos();
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            });
        }
        done.get(5, TimeUnit.SECONDS);
        assertThat(ran).isSorted().hasSize(30);
    }
}
