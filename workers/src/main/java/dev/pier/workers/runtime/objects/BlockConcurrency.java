package dev.pier.workers.runtime.objects;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

/**
 * Cloudflare's {@code blockConcurrencyWhile} on an object whose input gate delivers no other event
 * while one runs: the callback runs as it is, and when it throws, the event fails whatever its
 * code does with the exception, so the object is reset (Cloudflare's rule: an object is never left
 * half initialized).
 */
final class BlockConcurrency {

    private BlockConcurrency() {
    }

    /** Runs {@code callback} in the event whose storage is {@code storage}. */
    static <T> T run(Callable<T> callback, EventStorage storage) {
        try {
            return callback.call();
        } catch (RuntimeException | Error e) {
            storage.fail(failure(e));
            throw e;
        } catch (Exception e) {
            storage.fail(failure(e));
            throw new CompletionException(e);
        }
    }

    private static RuntimeException failure(Throwable cause) {
        return new ObjectReset("blockConcurrencyWhile: its callback threw, so the object is reset", cause);
    }
}
