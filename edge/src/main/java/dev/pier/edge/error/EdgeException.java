package dev.pier.edge.error;

import java.io.IOException;

/**
 * The one way a request phase, an upstream or the connection ends a request with an error: the
 * {@link EdgeError} (which says whose fault it is and the status), a detail for the page (never
 * shown for an origin's failure: it would name the origin) and the cause. The client connection
 * turns every one of them into the edge's answer, its log line and its request record in one
 * place; anything else that escapes a phase becomes {@link EdgeError#INTERNAL}.
 */
public final class EdgeException extends RuntimeException {

    private final EdgeError error;
    private final String detail;
    private final boolean closesConnection;

    private EdgeException(EdgeError error, String detail, boolean closesConnection, Throwable cause) {
        super(detail == null ? error.name() : error.name() + ": " + detail, cause, false, cause != null);
        this.error = error;
        this.detail = detail;
        this.closesConnection = closesConnection;
    }

    /** An error the client connection survives (unless the request's body would have to be skipped). */
    public static EdgeException of(EdgeError error, String detail) {
        return new EdgeException(error, detail, false, null);
    }

    /** An error after which nothing more is read from the client: its bytes can no longer be framed. */
    public static EdgeException closing(EdgeError error, String detail) {
        return new EdgeException(error, detail, true, null);
    }

    /** An upstream's failure, with what caused it (for the log). */
    public static EdgeException of(EdgeError error, String detail, Throwable cause) {
        return new EdgeException(error, detail, false, cause);
    }

    /**
     * What {@code thrown} means for the request: an {@code EdgeException} as it is; anything else
     * is a fault of the edge itself, which answers 500 and closes the connection (its state is
     * not known to be sound).
     */
    public static EdgeException from(Throwable thrown) {
        if (thrown instanceof EdgeException e) {
            return e;
        }
        if (thrown instanceof java.util.concurrent.CompletionException && thrown.getCause() != null) {
            return from(thrown.getCause());
        }
        return new EdgeException(EdgeError.INTERNAL, null, true, thrown);
    }

    /**
     * Whether an exception that reached a connection's pipeline is the peer's doing (a reset, a
     * broken TLS record) rather than a fault of the edge: the connection just closes.
     */
    public static boolean isPeerFailure(Throwable cause) {
        return cause instanceof IOException || cause instanceof io.netty.handler.codec.DecoderException;
    }

    public EdgeError error() {
        return error;
    }

    public EdgeError.Source source() {
        return error.source();
    }

    /** Shown on the error page for client errors; for an origin's failure, logged only. */
    public String detail() {
        return detail;
    }

    public boolean closesConnection() {
        return closesConnection;
    }
}
