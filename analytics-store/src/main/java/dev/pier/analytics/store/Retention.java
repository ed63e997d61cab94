package dev.pier.analytics.store;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How long each level of a zone's data is kept. Raw records older than {@code raw} are rolled up
 * into minutes and deleted; minutes older than {@code minute} into hours; hours older than
 * {@code hour} into days; days older than {@code day} are deleted (null keeps them). Cut-offs fall
 * on UTC midnights, so every hour and day bucket is whole at one level.
 *
 * @param perZone other retentions for some zones, by zone name
 */
public record Retention(Duration raw, Duration minute, Duration hour, Duration day, Map<String, Retention> perZone) {

    /** Raw records a week, minutes a month, hours a year, days for ever. */
    public static final Retention DEFAULT = new Retention(Duration.ofDays(7), Duration.ofDays(30), Duration.ofDays(365), null, Map.of());

    public Retention {
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(minute, "minute");
        Objects.requireNonNull(hour, "hour");
        perZone = Map.copyOf(perZone);
        if (raw.isNegative() || raw.isZero() || minute.compareTo(raw) < 0 || hour.compareTo(minute) < 0
                || (day != null && day.compareTo(hour) < 0)) {
            throw new IllegalArgumentException("retention: raw " + raw + ", minute " + minute + ", hour " + hour + ", day "
                    + (day == null ? "forever" : day) + " (expected: positive, and each level kept at least as long as the one before)");
        }
    }

    /** The retention of a zone: its own, or this one. */
    public Retention of(String zone) {
        return perZone.getOrDefault(zone, this);
    }
}
