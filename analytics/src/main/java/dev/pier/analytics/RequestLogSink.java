package dev.pier.analytics;

/** Receives finished request logs. Implementations must not block the caller. */
@FunctionalInterface
public interface RequestLogSink {

    void accept(RequestLog log);

    /** A sink that drops everything. */
    RequestLogSink NONE = log -> { };
}
