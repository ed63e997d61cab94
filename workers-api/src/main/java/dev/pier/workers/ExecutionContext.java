package dev.pier.workers;

import java.util.concurrent.CompletionStage;

/** What a Worker's invocation may ask of the runtime beyond its response. */
public interface ExecutionContext {

    /** Keeps the invocation's accounting open until {@code work} completes, after the response went out. */
    void waitUntil(CompletionStage<?> work);

    /**
     * The invocation broke {@code limit} and went on (a subrequest over the limit was refused):
     * for the runtime's counts. The limits that stop the invocation reach the runtime as its failure.
     */
    default void limitExceeded(ResourceLimitException.Limit limit) {
    }
}
