package dev.pier.control;

import dev.pier.control.store.Store;
import java.time.Duration;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the store's change feed (its version, one more per committed write) and calls back
 * when it moved. The store wakes the follower as soon as another process commits (PostgreSQL's
 * LISTEN/NOTIFY, {@link Store#onChange}), a write in this process pokes it, and it also polls
 * the version every interval. The poll is the resync: a node that missed a notification,
 * restarted, or lost the database for a while sees a newer version and reloads everything. While
 * the store cannot be reached the node keeps serving its last configuration and says so, once.
 */
public final class StoreFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreFollower.class);

    private final Store store;
    private final Duration interval;
    private final LongConsumer onChange;
    private final Thread thread;
    private final AutoCloseable notifications;
    private volatile boolean running = true;
    private boolean poked;
    private volatile long seen;
    private long failedAt = -1;

    /**
     * @param seen     the sequence the current configuration was built at
     * @param onChange gets the new sequence; it rebuilds and applies the configuration (an
     *                 exception there is logged and retried at the next change)
     */
    public StoreFollower(Store store, long seen, Duration interval, LongConsumer onChange) {
        this.store = store;
        this.seen = seen;
        this.interval = interval;
        this.onChange = onChange;
        this.thread = Thread.ofPlatform().daemon().name("pier-store-follower").start(this::run);
        this.notifications = store.onChange(this::poke);
    }

    private void run() {
        boolean failing = false;
        while (running) {
            try {
                long last = store.lastChange();
                if (failing) {
                    LOG.info("store: reachable again; following changes");
                    failing = false;
                }
                if (last != seen) {
                    try {
                        onChange.accept(last);
                        seen = last;
                        failedAt = -1;
                    } catch (RuntimeException e) {
                        // tried again at the next poll (a database hiccup passes); said once per version
                        if (failedAt != last) {
                            LOG.error("store: version {} could not be applied, keeping the running configuration: {}", last, e.getMessage());
                            failedAt = last;
                        }
                    }
                }
            } catch (RuntimeException e) {
                if (!failing) {
                    LOG.warn("store: cannot be reached ({}); serving the last configuration until it can", e.getMessage());
                    failing = true;
                }
            }
            try {
                synchronized (this) {
                    if (!poked) {
                        wait(interval.toMillis());
                    }
                    poked = false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Reads the change feed now rather than at the next interval: a change made in this process applies at once. */
    public synchronized void poke() {
        poked = true;
        notifyAll();
    }

    /** Applies the store again even if it did not change (the node's own settings did), on the follower's thread. */
    public synchronized void reapply() {
        seen = -1;
        poke();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            notifications.close();
        } catch (Exception e) {
            LOG.debug("store: closing the change listener", e);
        }
        try {
            thread.join(5_000); // an apply in progress ends before what it uses is closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
