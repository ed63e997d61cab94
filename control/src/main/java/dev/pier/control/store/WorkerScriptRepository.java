package dev.pier.control.store;

import static dev.pier.control.store.AuditRepository.record;
import static dev.pier.control.store.Jdbc.all;
import static dev.pier.control.store.Jdbc.instant;
import static dev.pier.control.store.Jdbc.now;
import static dev.pier.control.store.Jdbc.one;
import static dev.pier.control.store.Jdbc.ts;
import static dev.pier.control.store.Jdbc.update;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The account's Workers scripts ({@code workers_scripts}) and their modules
 * ({@code workers_script_modules}). An upload replaces a script's modules whole. The audit log
 * records a script's names, etag, module names and sizes, tag and classes, never its settings
 * (they hold secret texts) nor its code.
 */
final class WorkerScriptRepository {

    private static final String ONE = "SELECT * FROM workers_scripts WHERE name = ?";

    private final Jdbc jdbc;

    WorkerScriptRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    List<StoredWorkerScript> workerScripts() {
        return jdbc.read(c -> all(c, "SELECT * FROM workers_scripts ORDER BY name", WorkerScriptRepository::script));
    }

    Optional<StoredWorkerScript> workerScript(String name) {
        return jdbc.read(c -> one(c, ONE, WorkerScriptRepository::script, name));
    }

    List<StoredScriptModule> workerScriptModules(String name) {
        return jdbc.read(c -> all(c, "SELECT * FROM workers_script_modules WHERE script = ? ORDER BY name",
                WorkerScriptRepository::module, name));
    }

    StoredWorkerScript putWorkerScript(StoredWorkerScript draft, List<StoredScriptModule> modules, String actor) {
        return jdbc.write(c -> {
            Optional<StoredWorkerScript> before = one(c, ONE, WorkerScriptRepository::script, draft.name());
            Instant now = now();
            StoredWorkerScript after = new StoredWorkerScript(draft.name(), draft.etag(), draft.mainModule(), draft.settingsJson(),
                    draft.migrationTag(), draft.durableObjectClasses(), before.map(StoredWorkerScript::createdOn).orElse(now), now);
            if (before.isPresent()) {
                update(c, "UPDATE workers_scripts SET etag = ?, main_module = ?, settings = ?, migration_tag = ?, durable_object_classes = ?,"
                        + " modified_on = ? WHERE name = ?", after.etag(), after.mainModule(), after.settingsJson(), after.migrationTag(),
                        after.durableObjectClasses(), ts(now), after.name());
                update(c, "DELETE FROM workers_script_modules WHERE script = ?", after.name());
            } else {
                update(c, "INSERT INTO workers_scripts (name, etag, main_module, settings, migration_tag, durable_object_classes, created_on,"
                        + " modified_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", after.name(), after.etag(), after.mainModule(), after.settingsJson(),
                        after.migrationTag(), after.durableObjectClasses(), ts(now), ts(now));
            }
            for (StoredScriptModule m : modules) {
                update(c, "INSERT INTO workers_script_modules (script, name, content_type, content) VALUES (?, ?, ?, ?)", after.name(),
                        m.name(), m.contentType(), Base64.getEncoder().encodeToString(m.content()));
            }
            record(c, actor, before.isPresent() ? "update" : "create", "worker_script", after.name(), null,
                    before.map(b -> audited(b, null)).orElse(null), audited(after, modules));
            return after;
        });
    }

    boolean deleteWorkerScript(String name, String actor) {
        return jdbc.write(c -> {
            Optional<StoredWorkerScript> before = one(c, ONE, WorkerScriptRepository::script, name);
            if (before.isEmpty()) {
                return false;
            }
            update(c, "DELETE FROM workers_scripts WHERE name = ?", name);
            record(c, actor, "delete", "worker_script", name, null, audited(before.get(), null), null);
            return true;
        });
    }

    /** What the audit log keeps of a script: no settings (secret texts) and no code, the modules' names and sizes. */
    private static Map<String, Object> audited(StoredWorkerScript s, List<StoredScriptModule> modules) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", s.name());
        o.put("etag", s.etag());
        o.put("main_module", s.mainModule());
        o.put("migration_tag", s.migrationTag());
        o.put("durable_object_classes", Json.stored(s.durableObjectClasses()));
        if (modules != null) {
            Map<String, Integer> sizes = new LinkedHashMap<>();
            modules.forEach(m -> sizes.put(m.name(), m.content().length));
            o.put("modules", sizes);
        }
        return o;
    }

    private static StoredWorkerScript script(ResultSet rs) throws SQLException {
        return new StoredWorkerScript(rs.getString("name"), rs.getString("etag"), rs.getString("main_module"), rs.getString("settings"),
                rs.getString("migration_tag"), rs.getString("durable_object_classes"), instant(rs, "created_on"),
                instant(rs, "modified_on"));
    }

    private static StoredScriptModule module(ResultSet rs) throws SQLException {
        return new StoredScriptModule(rs.getString("name"), rs.getString("content_type"), Base64.getDecoder().decode(rs.getString("content")));
    }
}
