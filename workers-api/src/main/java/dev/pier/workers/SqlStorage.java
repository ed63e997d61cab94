package dev.pier.workers;

/**
 * An object's own SQL database, Cloudflare's {@code ctx.storage.sql}. What a statement writes is
 * part of the event's writes: the event reads it at once, it is committed with the event's
 * key-value writes when the event ends (the response waits for that), and an event that throws
 * keeps none of it. Limits as Cloudflare's SQLite-backed objects: a query of at most 100 KB of
 * UTF-8, at most 100 bindings.
 */
public interface SqlStorage {

    /**
     * Runs {@code query}: one statement, or several separated by semicolons, in which case the
     * bindings are for the last one and so are the cursor's rows. The statements are applied whole
     * or not at all: one that fails undoes the call and throws, and the event may go on. Statements
     * that control transactions ({@code BEGIN}, {@code COMMIT}, {@code SAVEPOINT}, …) are refused:
     * use {@link DurableObjectStorage#transactionSync}.
     *
     * @param bindings values for the {@code ?} placeholders: null, a String, a number, a Boolean or
     *                 a {@code byte[]}
     */
    SqlStorageCursor exec(String query, Object... bindings);

    /** The size of the object's database in bytes, its key-value pairs included, as Cloudflare's {@code databaseSize}. */
    long databaseSize();
}
