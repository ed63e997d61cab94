package dev.pier.workers;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Code a Worker's runtime runs later ({@code setTimeout} and {@code setInterval} of JavaScript
 * Workers): on the caller's own event loop when the caller is one of the node's, so a timer's
 * callback runs on the thread its script's context belongs to, never another. The node installs
 * a {@link Host} when it starts; outside a node (tests, an embedding) one daemon thread runs them.
 */
public final class Timers {

    /** What runs the tasks: the node installs one when it starts and uninstalls it when it stops. */
    public interface Host {

        /** Runs {@code task} once after {@code delay}, on the caller's event loop when it is one. */
        Future<?> schedule(Runnable task, Duration delay);

        /** Makes {@code host} the one tasks go to, until it is uninstalled (the latest installed wins). */
        static void install(Host host) {
            INSTALLED.install(host);
        }

        /** Stops sending tasks to {@code host}; the one installed before it, if any still is, takes over. */
        static void uninstall(Host host) {
            INSTALLED.uninstall(host);
        }
    }

    private static final Installed<Host> INSTALLED = new Installed<>();

    private Timers() {
    }

    /**
     * Runs {@code task} once after {@code delay}: cancel the future to stop it. The task runs on
     * the caller's event loop when a node is installed and the caller is one of its loops.
     */
    public static Future<?> schedule(Runnable task, Duration delay) {
        Objects.requireNonNull(task, "task");
        Duration wait = delay.isNegative() ? Duration.ZERO : delay;
        Host host = INSTALLED.current();
        return (host != null ? host : Outside.HOST).schedule(task, wait);
    }

    /** Without a node: one daemon thread, made on first use. */
    private static final class Outside {
        private static final ScheduledExecutorService THREAD = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "pier-timers");
            thread.setDaemon(true);
            return thread;
        });
        static final Host HOST = (task, delay) -> THREAD.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
}
