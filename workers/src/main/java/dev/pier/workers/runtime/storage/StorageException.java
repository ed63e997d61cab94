package dev.pier.workers.runtime.storage;

/**
 * A storage operation failed: the database could not be reached or refused the operation, or a
 * user's SQL was wrong. Nothing of the operation was written.
 */
public class StorageException extends RuntimeException {

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
