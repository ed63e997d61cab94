package dev.pier.workers.runtime.objects;

import dev.pier.workers.ResourceLimitException;
import dev.pier.workers.runtime.storage.LeaseLostException;

/**
 * A failure that resets its object rather than failing its event alone, as Cloudflare resets an
 * object that cannot be trusted to go on: its constructor threw, a {@code blockConcurrencyWhile}
 * callback threw, its code called {@code abort}, or a hibernatable WebSocket event ran past its
 * timeout. Its message is the reason; its cause, when there is one, is what the object's code threw.
 */
final class ObjectReset extends IllegalStateException {

    ObjectReset(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether {@code failure} of an event resets its object: an {@code ObjectReset}, a broken CPU
     * or memory limit (the code was stopped, its context discarded), another node taking the object
     * over, or the JVM running out of memory. Anything else the object's code threw fails its event alone.
     */
    static boolean resets(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ObjectReset || t instanceof LeaseLostException || t instanceof OutOfMemoryError) {
                return true;
            }
            if (t instanceof ResourceLimitException limit && limit.limit() != ResourceLimitException.Limit.SUBREQUESTS) {
                return true;
            }
        }
        return false;
    }
}
