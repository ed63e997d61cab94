package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.control.StoredLogpushJobs;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredLogpushJob;
import dev.pier.control.store.StoredToken;
import dev.pier.control.store.StoredZone;
import dev.pier.logpush.Dataset;
import dev.pier.logpush.Destination;
import dev.pier.logpush.LogFilter;
import dev.pier.logpush.LogpushException;
import dev.pier.logpush.LogpushJob;
import dev.pier.logpush.OutputOptions;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code /zones/{id}/logpush/jobs}: list, create, read, update (PUT: the fields given) and delete
 * a zone's Logpush jobs in Cloudflare's shape, and {@code /zones/{id}/logpush/datasets/{dataset_id}/fields}.
 * Every setting is checked as the nodes will run it (dataset, destination, output options, filter)
 * and the batch limits within Cloudflare's ranges; a job's dataset does not change.
 */
final class LogpushApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Cloudflare's Logpush code for input it cannot take. */
    static final int INVALID = 1002;
    static final int NOT_FOUND = 1003;
    private static final Set<String> KEYS = Set.of("dataset", "destination_conf", "name", "enabled", "output_options", "filter",
            "max_upload_bytes", "max_upload_records", "max_upload_interval_seconds", "kind", "frequency", "logpull_options",
            "ownership_challenge", "id", "last_complete", "last_error", "error_message");

    private final Store store;

    LogpushApi(Store store) {
        this.store = store;
    }

    List<Route> routes() {
        Routes routes = new Routes("Logpush");
        String all = "/zones/{zone_id}/logpush/jobs";
        String one = all + "/{job_id}";
        routes.add("GET", all, Route.Access.ZONE, Permission.LOGS_READ).doc("listLogpushJobs", "List a zone's Logpush jobs")
                .to(c -> list(c.zone()));
        routes.add("POST", all, Route.Access.ZONE, Permission.LOGS_WRITE).doc("createLogpushJob", "Create a Logpush job")
                .body("LogpushJob").to(c -> create(c.request(), c.zone(), c.token()));
        routes.add("GET", one, Route.Access.ZONE, Permission.LOGS_READ).doc("getLogpushJob", "One Logpush job")
                .to(c -> Envelope.success(json(find(c.zone(), c.param("job_id")))));
        routes.add("PUT", one, Route.Access.ZONE, Permission.LOGS_WRITE).doc("updateLogpushJob", "Change a Logpush job's settings")
                .body("LogpushJob").to(c -> update(c.request(), c.zone(), c.param("job_id"), c.token()));
        routes.add("DELETE", one, Route.Access.ZONE, Permission.LOGS_WRITE).doc("deleteLogpushJob", "Delete a Logpush job")
                .to(c -> delete(c.zone(), c.param("job_id"), c.token()));
        routes.add("GET", "/zones/{zone_id}/logpush/datasets/{dataset_id}/fields", Route.Access.ZONE, Permission.LOGS_READ)
                .doc("listLogpushFields", "A dataset's fields and their descriptions").to(c -> fields(c.param("dataset_id")));
        return routes.list();
    }

    private ApiResponse list(StoredZone zone) {
        ArrayNode jobs = F.arrayNode();
        store.logpushJobs(zone.id()).forEach(j -> jobs.add(json(j)));
        return Envelope.success(jobs);
    }

    private static ApiResponse fields(String dataset) {
        ObjectNode fields = F.objectNode();
        checked(() -> Dataset.of(dataset)).descriptions().forEach(fields::put);
        return Envelope.success(fields);
    }

    private ApiResponse create(ApiRequest r, StoredZone zone, StoredToken token) {
        JsonNode body = RequestJson.object(r);
        checkKeys(body);
        if (!body.hasNonNull("dataset")) {
            throw invalid("dataset: missing (expected: one of " + Dataset.ids() + ")");
        }
        if (!body.hasNonNull("destination_conf")) {
            throw invalid("destination_conf: missing (expected: https://HOST/PATH or file:///DIRECTORY)");
        }
        StoredLogpushJob draft = read(body, null);
        return Envelope.success(json(store.createLogpushJob(zone.id(), draft, Credentials.actor(token))));
    }

    private ApiResponse update(ApiRequest r, StoredZone zone, String id, StoredToken token) {
        StoredLogpushJob before = find(zone, id);
        JsonNode body = RequestJson.object(r);
        checkKeys(body);
        if (body.hasNonNull("dataset") && !body.get("dataset").asText().equals(before.dataset())) {
            throw invalid("dataset: " + body.get("dataset") + " (expected: " + before.dataset() + "; a job's dataset does not change)");
        }
        StoredLogpushJob draft = read(body, before);
        return Envelope.success(json(store.updateLogpushJob(zone.id(), before.id(), draft, Credentials.actor(token))));
    }

    private ApiResponse delete(StoredZone zone, String id, StoredToken token) {
        StoredLogpushJob job = find(zone, id);
        store.deleteLogpushJob(zone.id(), job.id(), Credentials.actor(token));
        return Envelope.success(F.objectNode().put("id", job.id()));
    }

    private StoredLogpushJob find(StoredZone zone, String id) {
        long number;
        try {
            number = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new ApiException(404, new ApiError(NOT_FOUND, "job_id: " + id + " (expected: a job's number)"));
        }
        return store.logpushJob(zone.id(), number).orElseThrow(() -> new ApiException(404, new ApiError(NOT_FOUND, "Job not found.")));
    }

    /** A body's settings over {@code before}'s (all of them on create), each checked as a node will run it. */
    private static StoredLogpushJob read(JsonNode body, StoredLogpushJob before) {
        Dataset dataset = checked(() -> Dataset.of(text(body, "dataset", before == null ? null : before.dataset())));
        String destination = text(body, "destination_conf", before == null ? null : before.destinationConf());
        checked(() -> {
            Destination.check(destination);
            return null;
        });
        String name = text(body, "name", before == null ? null : before.name());
        if (name != null && name.length() > 512) {
            throw invalid("name: " + name.length() + " characters (expected: at most 512)");
        }
        boolean enabled = before != null && before.enabled();
        if (body.has("enabled")) {
            if (!body.get("enabled").isBoolean()) {
                throw invalid("enabled: " + body.get("enabled") + " (expected: true or false)");
            }
            enabled = body.get("enabled").asBoolean();
        }
        OutputOptions options;
        if (body.has("output_options")) {
            options = checked(() -> OutputOptions.fromJson(body.get("output_options"), dataset));
        } else {
            options = before == null ? OutputOptions.defaults() : StoredLogpushJobs.outputOptions(before, dataset);
        }
        String filter = text(body, "filter", before == null ? null : before.filter());
        if (filter != null && filter.isBlank()) {
            filter = null;
        }
        String checkedFilter = filter;
        checked(() -> LogFilter.parse(checkedFilter, dataset));
        long bytes = limit(body, "max_upload_bytes", before == null ? 0 : before.maxUploadBytes(), 5_000_000L, 1_000_000_000L,
                LogpushJob.DEFAULT_MAX_UPLOAD_BYTES);
        long records = limit(body, "max_upload_records", before == null ? 0 : before.maxUploadRecords(), 1_000, 1_000_000,
                LogpushJob.DEFAULT_MAX_UPLOAD_RECORDS);
        long interval = limit(body, "max_upload_interval_seconds", before == null ? 0 : before.maxUploadIntervalSeconds(), 30, 300,
                LogpushJob.DEFAULT_MAX_UPLOAD_INTERVAL_SECONDS);
        return StoredLogpushJob.draft(name, dataset.id(), destination, enabled, options.toJson().toString(), filter, bytes, (int) records,
                (int) interval);
    }

    /** A batch limit: absent or 0 keeps {@code current} (the default when that is 0 too); otherwise within Cloudflare's range. */
    private static long limit(JsonNode body, String field, long current, long min, long max, long otherwise) {
        JsonNode v = body.get(field);
        if (v != null && !v.isNull()) {
            if (!v.isIntegralNumber() || v.asLong() != 0 && (v.asLong() < min || v.asLong() > max)) {
                throw invalid(field + ": " + v + " (expected: an integer from " + min + " to " + max + ", or 0 for the default)");
            }
            if (v.asLong() != 0) {
                return v.asLong();
            }
            return otherwise;
        }
        return current == 0 ? otherwise : current;
    }

    private static void checkKeys(JsonNode body) {
        body.fieldNames().forEachRemaining(name -> {
            if (!KEYS.contains(name)) {
                throw invalid(name + ": unknown field (expected: dataset, destination_conf, name, enabled, output_options, filter, "
                        + "max_upload_bytes, max_upload_records, max_upload_interval_seconds)");
            }
        });
    }

    private static String text(JsonNode body, String field, String otherwise) {
        JsonNode v = body.get(field);
        if (v == null) {
            return otherwise;
        }
        if (v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(field + ": " + v + " (expected: a string)");
        }
        return v.textValue();
    }

    private static <T> T checked(java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (LogpushException e) {
            throw invalid(e.getMessage());
        }
    }

    private static ApiException invalid(String message) {
        return new ApiException(400, new ApiError(INVALID, message));
    }

    private static ObjectNode json(StoredLogpushJob j) {
        ObjectNode o = F.objectNode();
        o.put("id", j.id());
        o.put("dataset", j.dataset());
        o.put("name", j.name());
        o.put("enabled", j.enabled());
        o.put("kind", "");
        o.put("frequency", "high");
        o.put("destination_conf", j.destinationConf());
        o.putNull("logpull_options");
        try {
            o.set("output_options", JSON.readTree(j.outputOptions()));
        } catch (IOException e) {
            throw new IllegalStateException("logpush job " + j.id() + ": stored output_options are not JSON", e);
        }
        o.put("filter", j.filter());
        o.put("max_upload_bytes", j.maxUploadBytes());
        o.put("max_upload_records", j.maxUploadRecords());
        o.put("max_upload_interval_seconds", j.maxUploadIntervalSeconds());
        o.put("last_complete", time(j.lastComplete()));
        o.put("last_error", time(j.lastError()));
        o.put("error_message", j.errorMessage());
        return o;
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
