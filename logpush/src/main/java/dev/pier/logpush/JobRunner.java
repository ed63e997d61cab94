package dev.pier.logpush;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.store.ProcessSpool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one job on a thread of its own: takes the zone's records from a bounded queue (the event
 * loops only offer), keeps those of the dataset that pass the filter and the sampling, closes a
 * batch at {@code max_upload_records}, {@code max_upload_bytes} (as formatted) or
 * {@code max_upload_interval_seconds} after its first record, writes it to the job's disk spool,
 * then delivers the spool's batches oldest first. A batch leaves the spool only once the
 * destination acknowledged it; a failed delivery is tried again after a pause that doubles up
 * to a limit, while new records keep being spooled. So nothing is lost while the destination is
 * down, and batches spooled before a restart are delivered by the next runner of the job.
 *
 * <p>The job's spool directory is shared by the processes that run the job on this machine (a
 * process handing over to a newer one): each writes a folder of its own, and a runner delivers
 * first what processes no longer running left there ({@link ProcessSpool}).
 */
final class JobRunner implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(JobRunner.class);

    private final LogpushJob job;
    private final LogFilter filter;
    private final Sampler sampler;
    private final RecordFormatter formatter;
    private final Destination destination;
    private final ProcessSpool spool;
    private final JobStatus status;
    private final Backoff backoff;
    private final ArrayBlockingQueue<RequestLog> queue;
    private final Thread thread;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean closing;

    JobRunner(LogpushJob job, Destination destination, Path spoolDirectory, ProcessSpool.Processes processes, int capacity,
            Backoff backoff, JobStatus status) throws IOException {
        this.job = job;
        this.filter = LogFilter.parse(job.filter(), job.dataset());
        this.sampler = Sampler.of(job.outputOptions().sampleRate());
        this.formatter = new RecordFormatter(job.dataset(), job.outputOptions());
        this.destination = destination;
        this.spool = new ProcessSpool(spoolDirectory, processes);
        this.status = status;
        this.backoff = backoff;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = Thread.ofPlatform().daemon().name("pier-logpush-" + job.id()).start(this::run);
    }

    LogpushJob job() {
        return job;
    }

    /** Hands a record of the job's zone over; never blocks: a record that finds the queue full is dropped and counted. */
    void offer(RequestLog log) {
        if (closing || !queue.offer(log)) {
            dropped.incrementAndGet();
        }
    }

    long dropped() {
        return dropped.get();
    }

    /** Records the destination acknowledged. */
    long delivered() {
        return delivered.get();
    }

    /** Batches on disk waiting for the destination. */
    int spooledBatches() {
        return spool.batches();
    }

    private void run() {
        List<RequestLog> batch = new ArrayList<>();
        long batchBytes = 0;
        long batchDeadline = Long.MAX_VALUE;
        long retryAt = 0;
        long pause = backoff.first().toMillis();
        long interval = TimeUnit.SECONDS.toMillis(job.maxUploadIntervalSeconds());
        try {
            while (true) {
                long now = System.currentTimeMillis();
                boolean closeNow = closing && queue.isEmpty();
                if (!batch.isEmpty() && (now >= batchDeadline || closeNow)) {
                    spoolBatch(batch);
                    batch = new ArrayList<>();
                    batchBytes = 0;
                    batchDeadline = Long.MAX_VALUE;
                }
                if (closeNow) {
                    break;
                }
                adoptOrphans();
                if (spool.batches() > 0 && now >= retryAt) {
                    if (deliverOldest()) {
                        pause = backoff.first().toMillis();
                        retryAt = 0; // the next batch goes at once, after taking what is queued
                    } else {
                        retryAt = now + pause;
                        pause = Math.min(pause * 2, backoff.longest().toMillis());
                    }
                }
                long wake = Math.min(batchDeadline, spool.batches() > 0 ? retryAt : Long.MAX_VALUE);
                long wait = Math.max(1, Math.min(100, wake - System.currentTimeMillis()));
                RequestLog log = queue.poll(wait, TimeUnit.MILLISECONDS);
                while (log != null) {
                    if (job.dataset().carries(log) && filter.matches(log) && sampler.keep()) {
                        int size = formatter.size(log);
                        if (!batch.isEmpty() && batchBytes + size > job.maxUploadBytes()) {
                            spoolBatch(batch);
                            batch = new ArrayList<>();
                            batchBytes = 0;
                        }
                        if (batch.isEmpty()) {
                            batchDeadline = System.currentTimeMillis() + interval;
                        }
                        batch.add(log);
                        batchBytes += size;
                        if (batch.size() >= job.maxUploadRecords()) {
                            spoolBatch(batch);
                            batch = new ArrayList<>();
                            batchBytes = 0;
                            batchDeadline = Long.MAX_VALUE;
                        }
                    }
                    log = queue.poll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (spool.batches() > 0) {
            logger.info("Logpush job {}: {} batches wait in {} for {}", job.id(), spool.batches(), spool.directory(), destination);
        }
    }

    /** Takes on, at most every {@link ProcessSpool.Processes#orphanScan()}, what processes that stopped running the job left. */
    private void adoptOrphans() {
        try {
            spool.adoptOrphansIfDue();
        } catch (IOException e) {
            logger.warn("Logpush job {}: spool {} cannot be listed ({})", job.id(), spool.directory().getParent(), e.toString());
        }
    }

    /** Puts a batch on disk, trying again while the disk fails (records meanwhile wait in the bounded queue). */
    private void spoolBatch(List<RequestLog> batch) throws InterruptedException {
        long pause = backoff.first().toMillis();
        while (true) {
            try {
                spool.append(batch);
                return;
            } catch (IOException e) {
                logger.warn("Logpush job {}: spool {} cannot be written ({}); trying again in {} ms", job.id(), spool.directory(),
                        e.toString(), pause);
                Thread.sleep(pause);
                pause = Math.min(pause * 2, backoff.longest().toMillis());
            }
        }
    }

    /** Delivers the oldest spooled batch; true when the destination acknowledged it (or it was unreadable and set aside). */
    private boolean deliverOldest() {
        Path file = spool.oldest();
        List<RequestLog> records;
        try {
            records = spool.read(file);
        } catch (IOException e) {
            logger.error("Logpush job {}: batch {} cannot be read ({}); it is set aside as .bad", job.id(), file, e.toString());
            try {
                spool.setAside(file);
                return true;
            } catch (IOException again) {
                return false;
            }
        }
        String name = batchName(spool.batchId(file), records);
        try {
            destination.deliver(name, gzip(formatter.batch(records)));
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            logger.warn("Logpush job {}: {} failed ({}); {} batches wait", job.id(), destination, message, spool.batches());
            status.failed(job.id(), Instant.now(), message);
            return false;
        }
        try {
            spool.remove(file);
        } catch (IOException e) {
            logger.warn("Logpush job {}: batch {} was delivered but cannot be removed ({})", job.id(), file, e.toString());
        }
        delivered.addAndGet(records.size());
        status.delivered(job.id(), latest(records));
        return true;
    }

    /** The end of a batch's time range: its latest record's end (Cloudflare's {@code last_complete}); now for an empty one. */
    private static Instant latest(List<RequestLog> records) {
        Instant latest = null;
        for (RequestLog r : records) {
            Instant end = r.edgeEndTimestamp();
            if (end != null && (latest == null || end.isAfter(latest))) {
                latest = end;
            }
        }
        return latest == null ? Instant.now() : latest;
    }

    /**
     * Cloudflare's object name shape, {@code START_END_ID}: the first and last records' times
     * (UTC, to the second) and the batch's id in the spool (the process that wrote it, its sequence
     * number), so a batch sent again has the same name and no two batches of the node share one.
     */
    private static String batchName(String id, List<RequestLog> records) {
        Instant first = records.isEmpty() ? Instant.EPOCH : records.getFirst().edgeEndTimestamp();
        Instant last = records.isEmpty() ? Instant.EPOCH : records.getLast().edgeEndTimestamp();
        return stamp(first) + "_" + stamp(last) + "_" + id;
    }

    private static String stamp(Instant at) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC)
                .format(at == null ? Instant.EPOCH : at);
    }

    private static byte[] gzip(byte[] batch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(batch.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(batch);
        }
        return out.toByteArray();
    }

    /** Spools what is queued and the open batch, then stops; spooled batches wait for the job's next runner. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Pauses between failed deliveries: {@code first}, doubling up to {@code longest}. */
    record Backoff(Duration first, Duration longest) {
        static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
    }
}
