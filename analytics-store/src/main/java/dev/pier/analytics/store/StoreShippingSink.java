package dev.pier.analytics.store;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLogSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships a node's request log records to an {@link AnalyticsStore}, on a thread of its own so the
 * event loops never wait for it. Each batch is first written to a spool on local disk, then
 * inserted (the batches of about a second in one insert), and its spool file is removed only
 * once the insert has committed; so when the store
 * is away, batches wait on disk and are sent in order when it is back, and after a crash (even a
 * SIGKILL mid-insert) the batches not acknowledged are sent again. The store counts a record sent
 * twice once (RayID), so nothing is lost and nothing is counted twice.
 *
 * <p>Each process spools in a folder of its own under the spool directory, named by its process
 * id, so that a process handing over to a newer one (both running for a while) never shares
 * files with it; a sink sends first what the folders of processes no longer running hold (it
 * looks at start and every minute), then removes them.
 *
 * <p>Memory stays bounded: at most {@code capacity} records wait for the spool; a record that
 * finds them all waiting, or a spool over {@code maxSpoolBytes}, is dropped and counted.
 */
public final class StoreShippingSink implements RequestLogSink, MeterBinder, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(StoreShippingSink.class);
    public static final int DEFAULT_CAPACITY = 65_536;
    public static final int DEFAULT_MAX_BATCH = 4_096;
    /** 1 GiB of spooled batches: at about 600 bytes a record, some 1.7 million records while the store is away. */
    public static final long DEFAULT_MAX_SPOOL_BYTES = 1L << 30;
    private static final long FIRST_PAUSE_MILLIS = 100;
    /**
     * How long the first record of a batch waits for more before the batch is spooled: each batch
     * costs two fsyncs and a store transaction, so records that come one at a time (connections
     * ending every few milliseconds) are shipped at most ten batches a second, not one each.
     */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * How often spooled batches are sent while fewer than a full batch of records wait: a store
     * transaction costs some milliseconds of CPU however few records it carries (DuckDB's about
     * 10 ms), so the spooled batches of a second go in one insert.
     */
    private static final long SHIP_INTERVAL_MILLIS = 1_000;
    /** The most spooled batches one insert carries (and no more than the batch size in records). */
    private static final int MOST_BATCHES_PER_INSERT = 64;
    private static final long LONGEST_PAUSE_MILLIS = 5_000;
    private static final Duration CLOSE_TIME = Duration.ofSeconds(10);

    private final AnalyticsStore store;
    /** This process's folder under the spool directory, and the folders processes no longer running left there. */
    private final ProcessSpool spool;
    private long lastShipped;
    /** Records spooled since the last insert; a full batch of them is sent at once. */
    private long spooledSinceShipped;
    /** Whether the last insert left spooled batches behind (it was full): the next goes at once. */
    private boolean backlog;
    private final ArrayBlockingQueue<RequestLog> queue;
    private final int maxBatch;
    private final long maxSpoolBytes;
    private final Thread thread;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong shipped = new AtomicLong();
    private final AtomicLong insertFailures = new AtomicLong();
    /** Records this sink accepted, and of them those now spooled or dropped: equal when none waits in memory. */
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong taken = new AtomicLong();
    private volatile int spooledBatches;
    private volatile boolean closing;
    private volatile long closeDeadline;
    private long lastDropWarning;

    /** With the default capacity, batch size and spool limit. */
    public StoreShippingSink(AnalyticsStore store, Path spoolDirectory) {
        this(store, spoolDirectory, DEFAULT_CAPACITY, DEFAULT_MAX_BATCH, DEFAULT_MAX_SPOOL_BYTES);
    }

    /**
     * @param spoolDirectory where batches wait for the store, in a folder per process (what processes no longer running left there is sent first)
     * @param capacity       how many records may wait in memory for the spool
     * @param maxBatch       the most records in one batch (one spool file, one insert)
     * @param maxSpoolBytes  the most the spool holds; past it new batches are dropped and counted
     */
    public StoreShippingSink(AnalyticsStore store, Path spoolDirectory, int capacity, int maxBatch, long maxSpoolBytes) {
        if (capacity < 1 || maxBatch < 1 || maxSpoolBytes < 1) {
            throw new IllegalArgumentException("capacity " + capacity + ", batch " + maxBatch + ", spool " + maxSpoolBytes
                    + " (expected: each at least 1)");
        }
        this.store = store;
        try {
            this.spool = new ProcessSpool(spoolDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("analytics spool " + spoolDirectory + " cannot be opened", e);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.maxSpoolBytes = maxSpoolBytes;
        this.spooledBatches = waiting();
        if (spooledBatches > 0) {
            logger.info("Analytics spool {}: {} batches from before are sent first", spoolDirectory, spooledBatches);
        }
        thread = new Thread(this::run, "pier-analytics-shipper");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void accept(RequestLog log) {
        if (!closing && queue.offer(log)) {
            accepted.incrementAndGet();
        } else {
            dropped.incrementAndGet();
            warnDropped("records wait for the spool, the most allowed");
        }
    }

    /** Records dropped: memory or the spool was full, or they came after {@link #close()}. */
    public long dropped() {
        return dropped.get();
    }

    /** Records the store acknowledged (new ones and ones it already had). */
    public long shipped() {
        return shipped.get();
    }

    /** Inserts that failed (each batch is tried again). */
    public long insertFailures() {
        return insertFailures.get();
    }

    /** Batches on disk waiting for the store now. */
    public int spooledBatches() {
        return spooledBatches;
    }

    /** The shipper's figures, as {@code pier_analytics_*} series (docs/ANALYTICS.md). */
    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("pier.analytics.shipped.records", this, StoreShippingSink::shipped)
                .description("Request log records the analytics store acknowledged").register(registry);
        FunctionCounter.builder("pier.analytics.dropped.records", this, StoreShippingSink::dropped)
                .description("Request log records dropped on their way to the analytics store: memory or the spool was full").register(registry);
        FunctionCounter.builder("pier.analytics.insert.failures", this, StoreShippingSink::insertFailures)
                .description("Batches the analytics store failed to insert (each is sent again)").register(registry);
        Gauge.builder("pier.analytics.spooled.batches", this, StoreShippingSink::spooledBatches)
                .description("Batches of records on disk waiting for the analytics store").register(registry);
    }

    /** Waits until every record accepted so far is on disk in the spool (or dropped); false when {@code timeout} passed first. */
    public boolean awaitSpooled(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (taken.get() < accepted.get()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Waits until every record accepted so far is in the store; false when {@code timeout} passed first. */
    public boolean awaitShipped(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (taken.get() < accepted.get() || spooledBatches > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private void run() {
        List<RequestLog> batch = new ArrayList<>(maxBatch);
        long pause = FIRST_PAUSE_MILLIS;
        long retryAt = 0;
        try {
            while (true) {
                if (closing && queue.isEmpty() && (waiting() == 0 || System.currentTimeMillis() > closeDeadline)) {
                    break;
                }
                // with batches due for the store, take what is queued without waiting; else wait for records (or the retry, or the interval)
                long due = Math.max(retryAt, shipDue() ? 0 : lastShipped + SHIP_INTERVAL_MILLIS);
                long wait = waiting() == 0 ? 100 : Math.min(100, due - System.currentTimeMillis());
                RequestLog first = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    fill(batch);
                    spoolBatch(batch);
                    taken.addAndGet(batch.size());
                    batch.clear();
                }
                try {
                    if (spool.adoptOrphansIfDue()) {
                        spooledBatches = waiting();
                    }
                } catch (IOException e) {
                    logger.warn("Analytics spool {} cannot be listed ({})", spool.directory().getParent(), e.toString());
                }
                if (waiting() > 0 && System.currentTimeMillis() >= retryAt && shipDue()) {
                    if (shipOldest()) {
                        pause = FIRST_PAUSE_MILLIS;
                        retryAt = 0;
                    } else {
                        retryAt = System.currentTimeMillis() + pause;
                        pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (waiting() > 0) {
            logger.warn("Analytics spool {}: {} batches wait for the store; the next start sends them", spool.directory(), waiting());
        }
    }

    /** Adds what is queued to the batch, and what comes within {@link #LINGER_NANOS} of its first record, up to the batch size. */
    private void fill(List<RequestLog> batch) throws InterruptedException {
        long lingerEnd = System.nanoTime() + LINGER_NANOS;
        while (true) {
            queue.drainTo(batch, maxBatch - batch.size());
            long left = lingerEnd - System.nanoTime();
            if (batch.size() >= maxBatch || left <= 0 || closing) {
                return;
            }
            RequestLog next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
        }
    }

    /** Puts a batch on disk, trying again while the disk fails (records meanwhile wait in the bounded queue). */
    private void spoolBatch(List<RequestLog> batch) throws InterruptedException {
        if (spool.bytes() >= maxSpoolBytes) {
            dropped.addAndGet(batch.size());
            warnDropped("the spool holds " + spool.bytes() + " bytes, the most allowed, while the store is away");
            return;
        }
        long pause = FIRST_PAUSE_MILLIS;
        while (true) {
            try {
                spool.append(batch);
                spooledSinceShipped += batch.size();
                spooledBatches = waiting();
                return;
            } catch (IOException e) {
                if (closing && System.currentTimeMillis() > closeDeadline) {
                    logger.error("Analytics spool {} cannot be written ({}); closing, {} records are lost", spool.directory(), e.toString(),
                            batch.size());
                    dropped.addAndGet(batch.size());
                    return;
                }
                logger.warn("Analytics spool {} cannot be written ({}); trying again in {} ms", spool.directory(), e.toString(), pause);
                Thread.sleep(pause);
                pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
            }
        }
    }

    /**
     * Whether to send now: a second after the last insert; at once when a full batch waits (a
     * backlog, or a full batch's worth spooled since), while closing, or for another process's spool.
     */
    private boolean shipDue() {
        return closing || backlog || spool.holdsOrphans() || spooledSinceShipped >= maxBatch || spool.batches() >= MOST_BATCHES_PER_INSERT
                || System.currentTimeMillis() - lastShipped >= SHIP_INTERVAL_MILLIS;
    }

    /**
     * Sends the oldest spooled batches in one insert, as many as make a batch of records (at most
     * {@link #MOST_BATCHES_PER_INSERT}); true when the store committed them (or one was set aside as unreadable).
     */
    private boolean shipOldest() {
        int spooled = spool.batches();
        List<Path> files = new ArrayList<>();
        List<RequestLog> records = new ArrayList<>();
        for (Path file : spool.oldest(MOST_BATCHES_PER_INSERT)) {
            List<RequestLog> batch;
            try {
                batch = spool.read(file);
            } catch (IOException e) {
                logger.error("Analytics spool: batch {} cannot be read ({}); it is set aside as .bad", file, e.toString());
                try {
                    spool.setAside(file);
                } catch (IOException again) {
                    logger.error("Analytics spool: batch {} cannot be set aside ({})", file, again.toString());
                    return false;
                }
                spooledBatches = waiting();
                return true;
            }
            if (!records.isEmpty() && records.size() + batch.size() > maxBatch) {
                break;
            }
            files.add(file);
            records.addAll(batch);
        }
        lastShipped = System.currentTimeMillis();
        spooledSinceShipped = 0;
        try {
            store.insert(records);
        } catch (RuntimeException e) {
            long failures = insertFailures.incrementAndGet();
            if (failures == 1 || failures % 20 == 0) {
                logger.warn("Analytics store unavailable ({}); {} batches wait in {}", e.getMessage(), waiting(), spool.directory());
            }
            return false;
        }
        for (Path file : files) {
            try {
                spool.remove(file);
            } catch (IOException e) {
                // sent again later: the store counts it once
                logger.warn("Analytics spool: batch {} was stored but cannot be removed ({})", file, e.toString());
            }
        }
        shipped.addAndGet(records.size());
        backlog = files.size() < spooled;
        spooledBatches = waiting();
        return true;
    }

    /** Batches on disk, this process's and those left by others. */
    private int waiting() {
        return spool.batches();
    }

    private void warnDropped(String why) {
        long now = System.currentTimeMillis();
        if (now - lastDropWarning > 10_000) { // racy on purpose: a few warnings a burst at most, no lock on the event loops
            lastDropWarning = now;
            logger.warn("Analytics: {}; new records are dropped ({} so far)", why, dropped.get());
        }
    }

    /**
     * Spools what is queued and sends what the store takes within ten seconds, then stops; what
     * is still spooled is sent by the next sink on the same directory. The store is not closed.
     */
    @Override
    public void close() {
        close(CLOSE_TIME);
    }

    /** As {@link #close()}, trying to send for up to {@code sending}. */
    public void close(Duration sending) {
        closeDeadline = System.currentTimeMillis() + sending.toMillis();
        closing = true;
        try {
            thread.join(sending.toMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
