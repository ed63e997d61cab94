package dev.pier.logpush;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLogSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Logpush jobs running on a node. As a {@link RequestLogSink} it hands each record to the
 * runners of its zone's enabled jobs: a map lookup and a queue offer on the event loop, nothing
 * more. {@link #apply} brings the running jobs in line with the stored ones: new jobs start,
 * changed jobs restart (their spool is kept), deleted jobs stop and their spool is removed,
 * disabled jobs stop and keep their spool until they are enabled again.
 *
 * <p>Each job spools under {@code spoolRoot/JOB_ID}.
 */
public final class LogpushNode implements RequestLogSink, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(LogpushNode.class);
    /** Records a job's runner may have waiting in memory. */
    public static final int DEFAULT_CAPACITY = 65_536;

    private final Path spoolRoot;
    private final HttpClient client;
    private final int capacity;
    private final JobRunner.Backoff backoff;
    private final JobStatus status;
    private final Map<Long, JobRunner> runners = new HashMap<>();
    /** What the event loops read: the runners of each zone, replaced whole on every change. */
    private volatile Map<String, JobRunner[]> byZone = Map.of();
    /** What stopped runners counted, so the node's totals only grow. */
    private long retiredDropped;
    private long retiredDelivered;
    private boolean closed;

    /**
     * @param spoolRoot where jobs' batches wait for their destination
     * @param tls       the trust https destinations are checked against
     * @param status    hears each job's deliveries and failures
     */
    public LogpushNode(Path spoolRoot, SSLContext tls, JobStatus status) {
        this(spoolRoot, tls, DEFAULT_CAPACITY, JobRunner.Backoff.DEFAULT, status);
    }

    LogpushNode(Path spoolRoot, SSLContext tls, int capacity, JobRunner.Backoff backoff, JobStatus status) {
        this.spoolRoot = spoolRoot;
        this.client = Destination.client(tls);
        this.capacity = capacity;
        this.backoff = backoff;
        this.status = status;
    }

    @Override
    public void accept(RequestLog log) {
        JobRunner[] jobs = byZone.get(log.zoneName());
        if (jobs != null) {
            for (JobRunner job : jobs) {
                job.offer(log);
            }
        }
    }

    /** Runs exactly the enabled ones of {@code jobs}; a job that cannot start (a bad setting) is logged and left out. */
    public synchronized void apply(List<LogpushJob> jobs) {
        if (closed) {
            return;
        }
        Map<Long, LogpushJob> wanted = new HashMap<>();
        jobs.forEach(j -> wanted.put(j.id(), j));
        for (var it = runners.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            LogpushJob now = wanted.get(e.getKey());
            if (now == null || !now.enabled() || !now.equals(e.getValue().job())) {
                retire(e.getValue());
                it.remove();
                if (now == null) {
                    removeSpool(e.getKey());
                }
            }
        }
        for (LogpushJob job : jobs) {
            if (job.enabled() && !runners.containsKey(job.id())) {
                try {
                    runners.put(job.id(), new JobRunner(job, Destination.parse(job.destinationConf(), client),
                            spoolRoot.resolve(Long.toString(job.id())), capacity, backoff, status));
                } catch (IOException | RuntimeException e) {
                    logger.error("Logpush job {} cannot run: {}", job.id(), e.getMessage());
                }
            }
        }
        Map<String, List<JobRunner>> zones = new HashMap<>();
        runners.values().forEach(r -> zones.computeIfAbsent(r.job().zoneName(), z -> new ArrayList<>()).add(r));
        Map<String, JobRunner[]> next = new HashMap<>();
        zones.forEach((zone, list) -> next.put(zone, list.toArray(new JobRunner[0])));
        byZone = Map.copyOf(next);
    }

    /** The running job with this id, for its figures; null when it does not run here. */
    synchronized JobRunner runner(long id) {
        return runners.get(id);
    }

    /** Jobs running now. */
    public synchronized int running() {
        return runners.size();
    }

    /** Records dropped since the node started: they found a job's queue full (or came as it stopped). */
    public synchronized long dropped() {
        return retiredDropped + runners.values().stream().mapToLong(JobRunner::dropped).sum();
    }

    /** Records the jobs' destinations acknowledged since the node started. */
    public synchronized long delivered() {
        return retiredDelivered + runners.values().stream().mapToLong(JobRunner::delivered).sum();
    }

    /** Batches the running jobs hold on disk for their destinations. */
    public synchronized long spooledBatches() {
        return runners.values().stream().mapToLong(JobRunner::spooledBatches).sum();
    }

    private void retire(JobRunner runner) {
        runner.close();
        retiredDropped += runner.dropped();
        retiredDelivered += runner.delivered();
    }

    private void removeSpool(long id) {
        Path dir = spoolRoot.resolve(Long.toString(id));
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Logpush job " + id + " was deleted but its spool " + dir + " cannot be removed", e);
        }
    }

    /** Stops every job: each spools what it holds, for the next start to deliver. */
    @Override
    public synchronized void close() {
        closed = true;
        byZone = Map.of();
        runners.values().forEach(this::retire);
        runners.clear();
    }
}
