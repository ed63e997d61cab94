package dev.pier.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where this node's Durable Objects keep their storage, and how long an idle one stays in memory.
 *
 * @param directory      one SQLite database per object under it, or null when {@code jdbcUrl} is set
 * @param jdbcUrl        a PostgreSQL JDBC address ({@code jdbc:postgresql://HOST:PORT/DB?user=NAME}), shared by several
 *                       nodes, or null for {@code directory}
 * @param hibernateAfter how long an object with no event stays in memory; then it is evicted, its hibernatable
 *                       WebSockets kept open
 */
public record DurableObjectsConfig(Path directory, String jdbcUrl, Duration hibernateAfter) {

    /** Cloudflare's: an object idle for 10 seconds hibernates. */
    public static final Duration DEFAULT_HIBERNATE_AFTER = Duration.ofSeconds(10);

    public DurableObjectsConfig {
        if ((directory == null) == (jdbcUrl == null)) {
            throw new IllegalArgumentException("expected exactly one of a directory and a JDBC address");
        }
        Objects.requireNonNull(hibernateAfter, "hibernateAfter");
    }

    /** SQLite databases under {@code directory}, evicted after the default idle time. */
    public static DurableObjectsConfig in(Path directory) {
        return new DurableObjectsConfig(directory, null, DEFAULT_HIBERNATE_AFTER);
    }
}
