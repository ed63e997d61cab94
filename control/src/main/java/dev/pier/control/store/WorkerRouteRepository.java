package dev.pier.control.store;

import static dev.pier.control.store.AuditRepository.record;
import static dev.pier.control.store.Ids.newId;
import static dev.pier.control.store.Jdbc.all;
import static dev.pier.control.store.Jdbc.instant;
import static dev.pier.control.store.Jdbc.now;
import static dev.pier.control.store.Jdbc.one;
import static dev.pier.control.store.Jdbc.ts;
import static dev.pier.control.store.Jdbc.update;
import static dev.pier.control.store.ZoneRepository.requireZone;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Zones' routes to Workers ({@code workers_routes}); a pattern is a zone's once. */
final class WorkerRouteRepository {

    private static final String ONE = "SELECT * FROM workers_routes WHERE zone_id = ? AND id = ?";

    private final Jdbc jdbc;

    WorkerRouteRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    List<StoredWorkerRoute> workerRoutes(String zoneId) {
        return jdbc.read(c -> all(c, "SELECT * FROM workers_routes WHERE zone_id = ? ORDER BY pattern", WorkerRouteRepository::route,
                zoneId));
    }

    Optional<StoredWorkerRoute> workerRoute(String zoneId, String id) {
        return jdbc.read(c -> one(c, ONE, WorkerRouteRepository::route, zoneId, id));
    }

    StoredWorkerRoute createWorkerRoute(String zoneId, String pattern, String script, String actor) {
        return jdbc.write(c -> {
            requireZone(c, zoneId);
            requireFree(c, zoneId, pattern, null);
            Instant now = now();
            StoredWorkerRoute r = new StoredWorkerRoute(newId(), zoneId, pattern, script, now, now);
            update(c, "INSERT INTO workers_routes (id, zone_id, pattern, script, created_on, modified_on) VALUES (?, ?, ?, ?, ?, ?)",
                    r.id(), zoneId, pattern, script, ts(now), ts(now));
            record(c, actor, "create", "worker_route", r.id(), zoneId, null, r);
            return r;
        });
    }

    StoredWorkerRoute updateWorkerRoute(String zoneId, String id, String pattern, String script, String actor) {
        return jdbc.write(c -> {
            StoredWorkerRoute before = one(c, ONE, WorkerRouteRepository::route, zoneId, id)
                    .orElseThrow(() -> new StoreException(StoreException.Kind.NOT_FOUND, "worker route " + id + " does not exist"));
            requireFree(c, zoneId, pattern, id);
            StoredWorkerRoute after = new StoredWorkerRoute(id, zoneId, pattern, script, before.createdOn(), now());
            update(c, "UPDATE workers_routes SET pattern = ?, script = ?, modified_on = ? WHERE zone_id = ? AND id = ?",
                    pattern, script, ts(after.modifiedOn()), zoneId, id);
            record(c, actor, "update", "worker_route", id, zoneId, before, after);
            return after;
        });
    }

    boolean deleteWorkerRoute(String zoneId, String id, String actor) {
        return jdbc.write(c -> {
            Optional<StoredWorkerRoute> before = one(c, ONE, WorkerRouteRepository::route, zoneId, id);
            if (before.isEmpty()) {
                return false;
            }
            update(c, "DELETE FROM workers_routes WHERE id = ?", id);
            record(c, actor, "delete", "worker_route", id, zoneId, before.get(), null);
            return true;
        });
    }

    /** Every zone's routes by zone id, each zone's by pattern. */
    Map<String, List<StoredWorkerRoute>> byZone(Connection c) throws SQLException {
        return Jdbc.byZone(c, "SELECT * FROM workers_routes ORDER BY zone_id, pattern", WorkerRouteRepository::route);
    }

    /**
     * @throws StoreException CONFLICT when another route of the zone (not {@code except}) has the
     *                        pattern; checked first, so the table's unique key is never what refuses it
     */
    private static void requireFree(Connection c, String zoneId, String pattern, String except) throws SQLException {
        Optional<StoredWorkerRoute> taken = one(c, "SELECT * FROM workers_routes WHERE zone_id = ? AND pattern = ?",
                WorkerRouteRepository::route, zoneId, pattern);
        if (taken.isPresent() && !taken.get().id().equals(except)) {
            throw new StoreException(StoreException.Kind.CONFLICT, "zone " + zoneId + " has a route with pattern " + pattern);
        }
    }

    private static StoredWorkerRoute route(ResultSet rs) throws SQLException {
        return new StoredWorkerRoute(rs.getString("id"), rs.getString("zone_id"), rs.getString("pattern"), rs.getString("script"),
                instant(rs, "created_on"), instant(rs, "modified_on"));
    }
}
