package dev.pier.workers;

import java.util.Objects;

/**
 * A Worker's invocation broke one of its resource limits, as Cloudflare's Workers limits: its code
 * ran longer than its CPU time limit, took more memory than its isolate may, or made more
 * subrequests than one invocation may. For the first two the runtime stopped the code (and
 * discarded its context) and the edge answers Cloudflare's error 1102; the third is what the
 * script's {@code fetch} rejects with, which the script may catch.
 */
public final class ResourceLimitException extends RuntimeException {

    /** Which limit, with the name Cloudflare's invocation outcome and Pier's metrics give it. */
    public enum Limit {
        /** CPU time per invocation: Cloudflare's outcome {@code exceededCpu}. */
        CPU("cpu", "exceededCpu"),
        /** Memory of the isolate: Cloudflare's outcome {@code exceededMemory}. */
        MEMORY("memory", "exceededMemory"),
        /** Subrequests per invocation: the fetch rejects, the invocation goes on. */
        SUBREQUESTS("subrequests", "exception");

        private final String metric;
        private final String outcome;

        Limit(String metric, String outcome) {
            this.metric = metric;
            this.outcome = outcome;
        }

        /** The {@code limit} tag of {@code pier_worker_limits_exceeded_total}. */
        public String metric() {
            return metric;
        }

        /** Cloudflare's invocation outcome for it (the request log's {@code WorkerStatus}). */
        public String outcome() {
            return outcome;
        }
    }

    private final Limit limit;

    public ResourceLimitException(Limit limit, String message) {
        super(message);
        this.limit = Objects.requireNonNull(limit, "limit");
    }

    public Limit limit() {
        return limit;
    }

    /** The limit {@code failure} or one of its causes broke, or null when it is no such failure. */
    public static Limit of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ResourceLimitException e) {
                return e.limit;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
