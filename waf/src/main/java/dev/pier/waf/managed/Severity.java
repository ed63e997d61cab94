package dev.pier.waf.managed;

import java.util.Locale;

/**
 * A managed rule's severity and the anomaly points it adds. These are the OWASP Core
 * Ruleset's points (critical 5, error 4, warning 3, notice 2) times five, so that Cloudflare's
 * thresholds mean what they say: at high (25) one critical match acts, at medium (40, the
 * default) a critical and a warning, at low (60) three criticals or so.
 */
public enum Severity {
    CRITICAL(25), ERROR(20), WARNING(15), NOTICE(10);

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
