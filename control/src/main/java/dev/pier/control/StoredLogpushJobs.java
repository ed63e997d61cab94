package dev.pier.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredLogpushJob;
import dev.pier.control.store.StoredZone;
import dev.pier.logpush.Dataset;
import dev.pier.logpush.LogpushJob;
import dev.pier.logpush.OutputOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bridge between the store's Logpush jobs and the jobs a node runs: a stored job (Cloudflare's
 * shape, its zone by id) becomes a {@link LogpushJob} (its zone by name, its options parsed).
 */
public final class StoredLogpushJobs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StoredLogpushJobs() {
    }

    /** Every stored job of every zone, as a node runs them (disabled ones too: the node keeps their spool). */
    public static List<LogpushJob> running(Store store) {
        Map<String, Optional<StoredZone>> zones = new HashMap<>();
        List<LogpushJob> jobs = new ArrayList<>();
        for (StoredLogpushJob job : store.logpushJobs()) {
            // a zone deleted between the two reads takes its jobs with it: the next change feed apply sees that
            zones.computeIfAbsent(job.zoneId(), store::zone).ifPresent(zone -> jobs.add(running(job, zone.name())));
        }
        return jobs;
    }

    /** One stored job as its nodes run it; {@code zoneName} is the name of its zone. */
    public static LogpushJob running(StoredLogpushJob job, String zoneName) {
        Dataset dataset = Dataset.of(job.dataset());
        return new LogpushJob(job.id(), zoneName, dataset, job.destinationConf(), job.enabled(), outputOptions(job, dataset), job.filter(),
                job.maxUploadBytes(), job.maxUploadRecords(), job.maxUploadIntervalSeconds());
    }

    /** A stored job's {@code output_options}, read as {@code dataset}'s. */
    public static OutputOptions outputOptions(StoredLogpushJob job, Dataset dataset) {
        try {
            return OutputOptions.fromJson(JSON.readTree(job.outputOptions()), dataset);
        } catch (IOException e) {
            throw new IllegalStateException("logpush job " + job.id() + ": stored output_options are not JSON", e);
        }
    }
}
