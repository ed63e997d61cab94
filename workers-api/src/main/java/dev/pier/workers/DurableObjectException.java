package dev.pier.workers;

/**
 * Why a request through a {@link DurableObjectStub} failed after it reached its object, as
 * Cloudflare's Durable Object errors tell it: the object's code threw (Cloudflare's {@code .remote};
 * the cause is what it threw and the message is its message), and whether the failure reset the object
 * ({@link #isDurableObjectReset()}: its constructor or a {@code blockConcurrencyWhile} callback
 * threw, its writes could not be committed, it broke a CPU or memory limit, or it called
 * {@link DurableObjectState#abort}). An exception that is not reset leaves the object as it was:
 * its instance, its in-memory state and its WebSockets stay, and the writes it made before it
 * threw are committed. A failure to reach the object (no claim on it could be made, the node that
 * runs it did not answer) is not one of these.
 */
public final class DurableObjectException extends RuntimeException {

    private final boolean durableObjectReset;

    /** @param failure what the object's event threw, or why it was reset */
    public DurableObjectException(Throwable failure, boolean durableObjectReset) {
        this(failure.getMessage() == null ? failure.toString() : failure.getMessage(), failure, durableObjectReset);
    }

    /** A failure another node reported, in its words. */
    public DurableObjectException(String message, Throwable cause, boolean durableObjectReset) {
        super(message, cause);
        this.durableObjectReset = durableObjectReset;
    }

    /** The failure reset the object: its next event constructs it again (Cloudflare's {@code .durableObjectReset}). */
    public boolean isDurableObjectReset() {
        return durableObjectReset;
    }

    /** The {@code DurableObjectException} {@code failure} is or was caused by, or null. */
    public static DurableObjectException of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DurableObjectException e) {
                return e;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
