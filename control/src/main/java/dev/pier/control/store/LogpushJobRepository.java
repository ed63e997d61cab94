package dev.pier.control.store;

import static dev.pier.control.store.AuditRepository.record;
import static dev.pier.control.store.Jdbc.bind;
import static dev.pier.control.store.Jdbc.now;
import static dev.pier.control.store.Jdbc.one;
import static dev.pier.control.store.Jdbc.ts;
import static dev.pier.control.store.ZoneRepository.requireZone;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** Zones' Logpush jobs ({@code logpush_jobs}); writes are audited, the nodes' delivery reports are not changes. */
final class LogpushJobRepository {

    private static final String ONE = "SELECT * FROM logpush_jobs WHERE zone_id = ? AND id = ?";
    private static final int ERROR_MESSAGE_COLUMN = 1000;

    private final Jdbc jdbc;

    LogpushJobRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    List<StoredLogpushJob> jobs(String zoneId) {
        return jdbc.read(c -> Jdbc.all(c, "SELECT * FROM logpush_jobs WHERE zone_id = ? ORDER BY id", LogpushJobRepository::job, zoneId));
    }

    List<StoredLogpushJob> everyJob() {
        return jdbc.read(c -> Jdbc.all(c, "SELECT * FROM logpush_jobs ORDER BY id", LogpushJobRepository::job));
    }

    Optional<StoredLogpushJob> job(String zoneId, long id) {
        return jdbc.read(c -> one(c, ONE, LogpushJobRepository::job, zoneId, id));
    }

    StoredLogpushJob create(String zoneId, StoredLogpushJob draft, String actor) {
        return jdbc.write(c -> {
            requireZone(c, zoneId);
            Instant now = now();
            long id;
            try (PreparedStatement q = c.prepareStatement("INSERT INTO logpush_jobs (zone_id, name, dataset, destination_conf, enabled, "
                    + "output_options, filter, max_upload_bytes, max_upload_records, max_upload_interval_seconds, created_on, modified_on) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", new String[] {"id"})) {
                bind(q, zoneId, draft.name(), draft.dataset(), draft.destinationConf(), draft.enabled(), draft.outputOptions(),
                        draft.filter(), draft.maxUploadBytes(), draft.maxUploadRecords(), draft.maxUploadIntervalSeconds(), ts(now), ts(now));
                q.executeUpdate();
                try (ResultSet keys = q.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            StoredLogpushJob job = one(c, ONE, LogpushJobRepository::job, zoneId, id).orElseThrow();
            record(c, actor, "create", "logpush_job", Long.toString(id), zoneId, null, job);
            return job;
        });
    }

    StoredLogpushJob change(String zoneId, long id, StoredLogpushJob draft, String actor) {
        return jdbc.write(c -> {
            StoredLogpushJob before = one(c, ONE, LogpushJobRepository::job, zoneId, id)
                    .orElseThrow(() -> new StoreException(StoreException.Kind.NOT_FOUND, "logpush job " + id + " does not exist"));
            Jdbc.update(c, "UPDATE logpush_jobs SET name = ?, dataset = ?, destination_conf = ?, enabled = ?, output_options = ?, filter = ?, "
                    + "max_upload_bytes = ?, max_upload_records = ?, max_upload_interval_seconds = ?, modified_on = ? WHERE zone_id = ? AND id = ?",
                    draft.name(), draft.dataset(), draft.destinationConf(), draft.enabled(), draft.outputOptions(), draft.filter(),
                    draft.maxUploadBytes(), draft.maxUploadRecords(), draft.maxUploadIntervalSeconds(), ts(now()), zoneId, id);
            StoredLogpushJob after = one(c, ONE, LogpushJobRepository::job, zoneId, id).orElseThrow();
            record(c, actor, "update", "logpush_job", Long.toString(id), zoneId, before, after);
            return after;
        });
    }

    boolean delete(String zoneId, long id, String actor) {
        return jdbc.write(c -> {
            Optional<StoredLogpushJob> before = one(c, ONE, LogpushJobRepository::job, zoneId, id);
            if (before.isEmpty()) {
                return false;
            }
            Jdbc.update(c, "DELETE FROM logpush_jobs WHERE id = ?", id);
            record(c, actor, "delete", "logpush_job", Long.toString(id), zoneId, before.get(), null);
            return true;
        });
    }

    /**
     * A node's report of a delivery, as Cloudflare's job shows it: a success sets {@code last_complete}
     * and clears {@code last_error} and {@code error_message} (a job with an error is failing now);
     * a failure sets those two and keeps {@code last_complete}. A report is not a change of the
     * configuration: it is neither audited nor counted in the change feed (so nodes do not reload for it).
     */
    void report(long id, Instant at, String errorMessage) {
        jdbc.read(c -> {
            if (errorMessage == null) {
                Jdbc.update(c, "UPDATE logpush_jobs SET last_complete = ?, last_error = NULL, error_message = NULL WHERE id = ?", ts(at), id);
            } else {
                String message = errorMessage.length() <= ERROR_MESSAGE_COLUMN ? errorMessage
                        : errorMessage.substring(0, ERROR_MESSAGE_COLUMN - 1) + "…";
                Jdbc.update(c, "UPDATE logpush_jobs SET last_error = ?, error_message = ? WHERE id = ?", ts(at), message, id);
            }
            return null;
        });
    }

    private static StoredLogpushJob job(ResultSet rs) throws SQLException {
        return new StoredLogpushJob(rs.getLong("id"), rs.getString("zone_id"), rs.getString("name"), rs.getString("dataset"),
                rs.getString("destination_conf"), rs.getBoolean("enabled"), rs.getString("output_options"), rs.getString("filter"),
                rs.getLong("max_upload_bytes"), rs.getInt("max_upload_records"), rs.getInt("max_upload_interval_seconds"),
                optional(rs, "last_complete"), optional(rs, "last_error"), rs.getString("error_message"),
                Jdbc.instant(rs, "created_on"), Jdbc.instant(rs, "modified_on"));
    }

    private static Instant optional(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
