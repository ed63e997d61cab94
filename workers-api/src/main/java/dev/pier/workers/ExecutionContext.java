package dev.pier.workers;

import java.util.concurrent.CompletionStage;

/** What a Worker's invocation may ask of the runtime beyond its response. */
public interface ExecutionContext {

    /** Keeps the invocation's accounting open until {@code work} completes, after the response went out. */
    void waitUntil(CompletionStage<?> work);
}
