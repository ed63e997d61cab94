package dev.pier.workers.runtime.storage;

/**
 * An operation went over one of {@link StorageLimits}; the message names the limit, the value and
 * what was expected ({@code "keys: 129 (expected: at most 128)"}). Nothing of the operation was
 * written.
 */
public final class StorageLimitException extends StorageException {

    public StorageLimitException(String message) {
        super(message);
    }
}
