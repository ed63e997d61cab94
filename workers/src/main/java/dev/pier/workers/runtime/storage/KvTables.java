package dev.pier.workers.runtime.storage;

import dev.pier.workers.ListOptions;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The statements on an object's key-value table and alarm, the same on both backends: keys are
 * stored as their UTF-8 bytes (a BLOB, a bytea), which both databases compare byte by byte, so
 * the databases' order is Cloudflare's. On SQLite the tables are the object's own; on PostgreSQL
 * every object's rows share them, and the scope (namespace and object id) is part of every
 * statement.
 */
final class KvTables {

    private final String kvTable;
    private final String alarmTable;
    private final List<String> scopeColumns;
    private final List<Object> scopeValues;
    private final String scopeCondition;

    KvTables(String kvTable, String alarmTable, List<String> scopeColumns, List<Object> scopeValues) {
        this.kvTable = kvTable;
        this.alarmTable = alarmTable;
        this.scopeColumns = scopeColumns;
        this.scopeValues = scopeValues;
        this.scopeCondition = String.join("", scopeColumns.stream().map(column -> column + " = ? AND ").toList());
    }

    Map<String, byte[]> get(Connection c, List<byte[]> keys) throws SQLException {
        if (keys.isEmpty()) {
            return Map.of();
        }
        String sql = "SELECT key, value FROM " + kvTable + " WHERE " + scopeCondition
                + "key IN (" + String.join(", ", Collections.nCopies(keys.size(), "?")) + ") ORDER BY key";
        List<Object> args = new ArrayList<>(scopeValues);
        args.addAll(keys);
        Map<String, byte[]> found = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> entry : query(c, sql, args)) {
            found.put(entry.getKey(), entry.getValue());
        }
        return found;
    }

    List<Map.Entry<String, byte[]>> list(Connection c, ListOptions options) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT key, value FROM " + kvTable + " WHERE " + scopeCondition + "1 = 1");
        List<Object> args = new ArrayList<>(scopeValues);
        condition(sql, args, "key >= ?", options.start());
        condition(sql, args, "key > ?", options.startAfter());
        condition(sql, args, "key < ?", options.end());
        if (options.prefix() != null && !options.prefix().isEmpty()) {
            byte[] prefix = options.prefix().getBytes(StandardCharsets.UTF_8);
            sql.append(" AND key >= ?");
            args.add(prefix);
            byte[] after = firstAfterPrefix(prefix);
            if (after != null) {
                sql.append(" AND key < ?");
                args.add(after);
            }
        }
        sql.append(options.reverse() ? " ORDER BY key DESC" : " ORDER BY key");
        if (options.limit() > 0) {
            sql.append(" LIMIT ").append(options.limit());
        }
        return query(c, sql.toString(), args);
    }

    void write(Connection c, Map<String, byte[]> writes) throws SQLException {
        String upsert = "INSERT INTO " + kvTable + " (" + columns("key, value") + ") VALUES (" + placeholders(2)
                + ") ON CONFLICT (" + columns("key") + ") DO UPDATE SET value = excluded.value";
        String delete = "DELETE FROM " + kvTable + " WHERE " + scopeCondition + "key = ?";
        try (PreparedStatement put = c.prepareStatement(upsert); PreparedStatement remove = c.prepareStatement(delete)) {
            boolean puts = false;
            boolean deletes = false;
            for (Map.Entry<String, byte[]> write : writes.entrySet()) {
                byte[] key = write.getKey().getBytes(StandardCharsets.UTF_8);
                if (write.getValue() == null) {
                    bind(remove, key);
                    remove.addBatch();
                    deletes = true;
                } else {
                    bind(put, key, write.getValue());
                    put.addBatch();
                    puts = true;
                }
            }
            if (puts) {
                put.executeBatch();
            }
            if (deletes) {
                remove.executeBatch();
            }
        }
    }

    void deleteAll(Connection c) throws SQLException {
        update(c, "DELETE FROM " + kvTable + " WHERE " + scopeCondition + "1 = 1");
    }

    /** The bytes of the object's keys and values. */
    long bytes(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT coalesce(sum(length(key) + length(value)), 0) FROM " + kvTable
                + " WHERE " + scopeCondition + "1 = 1")) {
            bind(q);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    OptionalLong alarm(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT at FROM " + alarmTable + " WHERE " + scopeCondition + "1 = 1")) {
            bind(q);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /** Sets the alarm to {@code at}, or deletes it when null. */
    void setAlarm(Connection c, Long at) throws SQLException {
        update(c, "DELETE FROM " + alarmTable + " WHERE " + scopeCondition + "1 = 1");
        if (at != null) {
            update(c, "INSERT INTO " + alarmTable + " (" + columns("at") + ") VALUES (" + placeholders(1) + ")", at);
        }
    }

    /** The smallest byte string greater than every one that starts with {@code prefix}; null when there is none (all 0xFF). */
    static byte[] firstAfterPrefix(byte[] prefix) {
        int last = prefix.length - 1;
        while (last >= 0 && prefix[last] == (byte) 0xFF) {
            last--;
        }
        if (last < 0) {
            return null;
        }
        byte[] after = Arrays.copyOf(prefix, last + 1);
        after[last]++;
        return after;
    }

    private static void condition(StringBuilder sql, List<Object> args, String condition, String key) {
        if (key != null) {
            sql.append(" AND ").append(condition);
            args.add(key.getBytes(StandardCharsets.UTF_8));
        }
    }

    private String columns(String own) {
        return String.join("", scopeColumns.stream().map(column -> column + ", ").toList()) + own;
    }

    private String placeholders(int own) {
        return String.join(", ", Collections.nCopies(scopeColumns.size() + own, "?"));
    }

    private List<Map.Entry<String, byte[]>> query(Connection c, String sql, List<Object> args) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                q.setObject(i + 1, args.get(i));
            }
            List<Map.Entry<String, byte[]>> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new AbstractMap.SimpleImmutableEntry<>(new String(rs.getBytes(1), StandardCharsets.UTF_8), rs.getBytes(2)));
                }
            }
            return out;
        }
    }

    private void update(Connection c, String sql, Object... own) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            bind(q, own);
            q.executeUpdate();
        }
    }

    /** Binds the scope, then {@code own}. */
    private void bind(PreparedStatement q, Object... own) throws SQLException {
        int i = 1;
        for (Object value : scopeValues) {
            q.setObject(i++, value);
        }
        for (Object value : own) {
            q.setObject(i++, value);
        }
    }
}
