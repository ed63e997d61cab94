package dev.pier.analytics.store;

/** The store could not be reached, or failed a statement; nothing of the failed call was committed. */
public final class AnalyticsStoreException extends RuntimeException {

    public AnalyticsStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
