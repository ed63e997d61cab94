package dev.pier.workers.runtime.storage;

/**
 * A commit of an object's storage found that its node no longer holds the object's lease: another
 * node took the object over. Nothing of the commit was written.
 */
public final class LeaseLostException extends StorageException {

    public LeaseLostException(String message) {
        super(message);
    }
}
