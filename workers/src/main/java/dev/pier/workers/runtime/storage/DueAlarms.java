package dev.pier.workers.runtime.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The query both backends ask a table of alarms ({@code namespace, object_id, at}) for the due ones. */
final class DueAlarms {

    private DueAlarms() {
    }

    /** Objects whose row is at or before {@code nowMillis}, the earliest first. */
    static List<ObjectRef> in(Connection c, String table, long nowMillis) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT namespace, object_id FROM " + table + " WHERE at <= ? ORDER BY at")) {
            q.setLong(1, nowMillis);
            List<ObjectRef> due = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    due.add(new ObjectRef(rs.getString(1), rs.getString(2)));
                }
            }
            return due;
        }
    }
}
