package dev.pier.analytics;

/** Receives finished request logs. Implementations must not block the caller. */
@FunctionalInterface
public interface RequestLogSink {

    void accept(RequestLog log);

    /** A sink that drops everything. */
    RequestLogSink NONE = log -> { };

    /** A sink that hands each log to every one of {@code sinks} in turn (nulls left out); {@link #NONE} for none. */
    static RequestLogSink all(RequestLogSink... sinks) {
        RequestLogSink[] present = java.util.Arrays.stream(sinks).filter(java.util.Objects::nonNull).toArray(RequestLogSink[]::new);
        if (present.length == 0) {
            return NONE;
        }
        if (present.length == 1) {
            return present[0];
        }
        return log -> {
            for (RequestLogSink sink : present) {
                sink.accept(log);
            }
        };
    }
}
