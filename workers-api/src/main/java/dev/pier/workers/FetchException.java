package dev.pier.workers;

/**
 * Why a {@link Fetch#fetch(Request) fetch} got no response: the origin could not be reached, did
 * not answer in time, broke HTTP, sent a body larger than a fetch reads, or redirected too often.
 * The message names the request and says which; the cause, when there is one, is the network's
 * own error.
 */
public final class FetchException extends RuntimeException {

    public FetchException(String message) {
        super(message);
    }

    public FetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
