package dev.pier.waf.managed;

import java.util.Locale;

/**
 * A managed rule's severity and the anomaly points it adds: the OWASP Core Ruleset's points
 * (critical 5, error 4, warning 3, notice 2) times eight, so that Cloudflare's default
 * threshold (medium, 40) means what the Core Ruleset's default (5) means: one critical match
 * acts. At high (25) an error-level match acts too; at low (60) a critical match needs a second
 * opinion (a warning or more).
 */
public enum Severity {
    CRITICAL(40), ERROR(32), WARNING(24), NOTICE(16);

    private final int points;

    Severity(int points) {
        this.points = points;
    }

    public int points() {
        return points;
    }

    static Severity of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
