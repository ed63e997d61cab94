package dev.pier.analytics.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.EnumMap;
import java.util.Map;

/**
 * How far each level of a zone has been rolled up: everything of level L before {@code before(L)}
 * has moved to the next level, and L holds only what is at or after it. The levels' marks never
 * cross: day ≤ hour ≤ minute ≤ raw.
 */
final class Watermarks {

    static final String TABLE = "watermarks";
    private final Map<Level, Instant> before = new EnumMap<>(Level.class);

    private Watermarks() {
    }

    static Watermarks read(Connection c, String zone) throws SQLException {
        Watermarks w = new Watermarks();
        try (PreparedStatement q = c.prepareStatement("SELECT level, before_ts FROM " + TABLE + " WHERE zone = ?")) {
            q.setString(1, zone);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    w.before.put(Level.valueOf(rs.getString(1)), StoredRecord.instant(rs.getObject(2, LocalDateTime.class)));
                }
            }
        }
        return w;
    }

    /** Where level's data begins; the epoch when nothing of it was rolled up yet. */
    Instant before(Level level) {
        return before.getOrDefault(level, Instant.EPOCH);
    }

    static void write(Connection c, String zone, Level level, Instant value) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("INSERT INTO " + TABLE + " (zone, level, before_ts) VALUES (?, ?, ?)"
                + " ON CONFLICT (zone, level) DO UPDATE SET before_ts = excluded.before_ts")) {
            q.setString(1, zone);
            q.setString(2, level.name());
            q.setObject(3, StoredRecord.utc(value));
            q.executeUpdate();
        }
    }
}
