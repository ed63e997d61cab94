package dev.pier.edge.admin;

/**
 * Bearer tokens {@code /metrics} accepts besides {@code admin.metrics_token_file}'s: the control
 * plane's API tokens that may read every zone's analytics. May block (it reads the store).
 */
@FunctionalInterface
public interface MetricsReaders {

    /** Whether {@code bearerToken} may read the metrics of every zone. */
    boolean accepts(String bearerToken);
}
