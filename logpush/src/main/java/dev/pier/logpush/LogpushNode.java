package dev.pier.logpush;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLogSink;
import dev.pier.analytics.store.ProcessSpool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * <p>Each job spools under {@code spoolRoot/JOB_ID}, in a folder per process ({@link ProcessSpool}):
 * processes running the same jobs at once (a hand-over) never share a file, and what a process
 * left is delivered by a runner of the job once that process no longer runs. A deleted job's
 * folders of this process and of processes no longer running are removed at once; the job's
 * directory goes with the last of them, so a running process's folder keeps it until that process
 * deletes the job too or exits (then whichever node applies the jobs next sweeps it).
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
    private final ProcessSpool.Processes processes;
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
        this(spoolRoot, tls, DEFAULT_CAPACITY, JobRunner.Backoff.DEFAULT, status, ProcessSpool.Processes.current());
    }

    LogpushNode(Path spoolRoot, SSLContext tls, int capacity, JobRunner.Backoff backoff, JobStatus status) {
        this(spoolRoot, tls, capacity, backoff, status, ProcessSpool.Processes.current());
    }

    /** @param processes this process's id and how to tell whether another runs (a test plays several processes in one) */
    LogpushNode(Path spoolRoot, SSLContext tls, int capacity, JobRunner.Backoff backoff, JobStatus status,
            ProcessSpool.Processes processes) {
        this.processes = processes;
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
                            spoolRoot.resolve(Long.toString(job.id())), processes, capacity, backoff, status));
                } catch (IOException | RuntimeException e) {
                    logger.error("Logpush job {} cannot run: {}", job.id(), e.getMessage());
                }
            }
        }
        removeSpoolsOfDeletedJobs(wanted.keySet());
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
        try {
            ProcessSpool.delete(dir, processes);
        } catch (IOException e) {
            throw new UncheckedIOException("Logpush job " + id + " was deleted but its spool " + dir + " cannot be removed", e);
        }
    }

    /** Removes what is left of the spools of jobs that are no longer stored (a process still running them held them when they were deleted). */
    private void removeSpoolsOfDeletedJobs(java.util.Set<Long> stored) {
        if (!Files.isDirectory(spoolRoot)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(spoolRoot)) {
            for (Path dir : dirs.toList()) {
                String name = dir.getFileName().toString();
                if (name.matches("[0-9]{1,18}") && !stored.contains(Long.parseLong(name))) {
                    ProcessSpool.delete(dir, processes);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            logger.warn("Logpush spool {}: the spools of deleted jobs cannot be removed ({})", spoolRoot, e.toString());
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
