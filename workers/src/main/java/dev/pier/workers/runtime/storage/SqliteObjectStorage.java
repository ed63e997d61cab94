package dev.pier.workers.runtime.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * An object's storage in a SQLite database of its own ({@code <data>/<namespace>/<id>.sqlite}):
 * the key-value pairs in {@code _pier_kv}, the alarm in {@code _pier_alarm}, and the user's
 * tables beside them.
 */
final class SqliteObjectStorage extends JdbcObjectStorage {

    private final Path file;
    private final SqliteFiles files;
    private final SqliteAlarmIndex alarmIndex;

    SqliteObjectStorage(ObjectRef ref, Path file, SqliteFiles files, SqliteAlarmIndex alarmIndex) {
        super(ref, new KvTables("_pier_kv", "_pier_alarm", List.of(), List.of()));
        this.file = file;
        this.files = files;
        this.alarmIndex = alarmIndex;
    }

    @Override
    <T> T withConnection(Work<T> work) throws SQLException {
        return files.use(file, work);
    }

    @Override
    boolean neverWritten() {
        return !files.exists(file);
    }

    @Override
    void enterUserSql(Connection c) {
        // the user's tables are in the object's own database, beside the storage's
    }

    @Override
    void dropUserSql(Connection c) throws SQLException {
        List<String[]> objects = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT type, name FROM sqlite_schema WHERE type IN ('view', 'trigger', 'table')"
                + " AND name NOT LIKE '\\_pier\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                + " ORDER BY CASE type WHEN 'trigger' THEN 0 WHEN 'view' THEN 1 ELSE 2 END");
             ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                objects.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        try (Statement s = c.createStatement()) {
            // the tables go in any order; their foreign keys are checked at commit, when none is left
            s.execute("PRAGMA defer_foreign_keys = ON");
            for (String[] object : objects) {
                s.execute("DROP " + object[0].toUpperCase() + " IF EXISTS \"" + object[1].replace("\"", "\"\"") + "\"");
            }
        }
    }

    /** The database file's pages, the key-value table's among them, as Cloudflare counts a SQLite-backed object's size. */
    @Override
    long databaseSize(Connection c, KvTables tables) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    void alarmWillChange(Long at) {
        if (at != null) {
            alarmIndex.lower(ref(), at);
        }
    }

    @Override
    void alarmMayHaveChanged() {
        try {
            alarmIndex.set(ref(), alarm());
        } catch (StorageException e) {
            // the entry stays as lowered before the commit: early, never late, and checked when due
        }
    }
}
