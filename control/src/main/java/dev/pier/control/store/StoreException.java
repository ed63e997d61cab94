package dev.pier.control.store;

/** The store could not do what was asked; {@link Kind} says why, so the API can answer with the right error. */
public final class StoreException extends RuntimeException {

    public enum Kind {
        /** A name that must be unique is taken (a zone name, a token). */
        CONFLICT,
        /** The resource does not exist. */
        NOT_FOUND,
        /** The database failed, or what it holds cannot be read with this node's keys. */
        UNAVAILABLE,
        /** A private key was to be stored, and this node has no key to encrypt it at rest. */
        NO_KEY
    }

    private final Kind kind;

    public StoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public StoreException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
