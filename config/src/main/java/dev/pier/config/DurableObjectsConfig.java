package dev.pier.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where this node's Durable Objects keep their storage, how long an idle one stays in memory, and,
 * for nodes that share a PostgreSQL storage, how they run each object on one node at a time.
 *
 * @param directory      one SQLite database per object under it, or null when {@code jdbcUrl} is set
 * @param jdbcUrl        a PostgreSQL JDBC address ({@code jdbc:postgresql://HOST:PORT/DB?user=NAME}), shared by several
 *                       nodes, or null for {@code directory}
 * @param hibernateAfter how long an object with no event stays in memory; then it is evicted, its hibernatable
 *                       WebSockets kept open
 * @param nodeAddress    where the other nodes reach this node's listener, as a base URL ({@code http://10.0.0.5:8080}), to
 *                       send it the requests for the objects it runs; null when they cannot (only with {@code jdbcUrl})
 * @param nodeSecret     what the nodes present to each other with those requests; set exactly when {@code nodeAddress} is
 * @param lease          how long a node's hold on an object lasts when it is not renewed (a node renews its holds every
 *                       third of it): how long the objects of a node that stopped without a word wait for another
 * @param codeUpdateMaxDelay how long an object that cannot hibernate (it holds a WebSocket with listeners) goes on with its
 *                       code after new code is deployed; then it is reset and adopts the new code (Cloudflare's deferred
 *                       code updates' {@code max_delay}); zero resets it at once (Cloudflare's {@code immediate} mode)
 */
public record DurableObjectsConfig(Path directory, String jdbcUrl, Duration hibernateAfter, String nodeAddress,
                                   NodeSecret nodeSecret, Duration lease, Duration codeUpdateMaxDelay) {

    /** Cloudflare's: an object idle for 10 seconds hibernates. */
    public static final Duration DEFAULT_HIBERNATE_AFTER = Duration.ofSeconds(10);
    /** A node that stops without a word holds its objects for at most this long. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);
    /** Cloudflare's: an object that cannot hibernate goes on with its code for at most 5 minutes after a deploy. */
    public static final Duration DEFAULT_CODE_UPDATE_MAX_DELAY = Duration.ofMinutes(5);
    /** Cloudflare's longest {@code max_delay}. */
    public static final Duration LONGEST_CODE_UPDATE_MAX_DELAY = Duration.ofHours(24);

    public DurableObjectsConfig {
        if ((directory == null) == (jdbcUrl == null)) {
            throw new IllegalArgumentException("expected exactly one of a directory and a JDBC address");
        }
        Objects.requireNonNull(hibernateAfter, "hibernateAfter");
        Objects.requireNonNull(lease, "lease");
        if ((nodeAddress == null) != (nodeSecret == null)) {
            throw new IllegalArgumentException("expected a node address and a node secret together, or neither");
        }
        if (nodeAddress != null && jdbcUrl == null) {
            throw new IllegalArgumentException("expected a node address only with a PostgreSQL storage, which nodes share");
        }
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease: " + lease + " (expected: above zero)");
        }
        Objects.requireNonNull(codeUpdateMaxDelay, "codeUpdateMaxDelay");
        if (codeUpdateMaxDelay.isNegative() || codeUpdateMaxDelay.compareTo(LONGEST_CODE_UPDATE_MAX_DELAY) > 0) {
            throw new IllegalArgumentException("code_update_max_delay: " + codeUpdateMaxDelay + " (expected: 0s to 24h)");
        }
    }

    /** As the canonical constructor, with Cloudflare's default code update delay. */
    public DurableObjectsConfig(Path directory, String jdbcUrl, Duration hibernateAfter, String nodeAddress, NodeSecret nodeSecret,
                                Duration lease) {
        this(directory, jdbcUrl, hibernateAfter, nodeAddress, nodeSecret, lease, DEFAULT_CODE_UPDATE_MAX_DELAY);
    }

    /** Storage in {@code directory} or {@code jdbcUrl}, on a node the other nodes do not send requests to. */
    public DurableObjectsConfig(Path directory, String jdbcUrl, Duration hibernateAfter) {
        this(directory, jdbcUrl, hibernateAfter, null, null, DEFAULT_LEASE);
    }

    /** SQLite databases under {@code directory}, evicted after the default idle time. */
    public static DurableObjectsConfig in(Path directory) {
        return new DurableObjectsConfig(directory, null, DEFAULT_HIBERNATE_AFTER);
    }
}
