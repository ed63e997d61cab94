package dev.pier.workers.host;

/**
 * What an object's storage offers a runtime whose transaction closures do not end when their call
 * returns (JavaScript's {@code storage.transaction(async txn => ...)}, which goes on after each
 * {@code await}): a savepoint begun and ended by two calls, rather than around one Java closure.
 * The object's input gate keeps every other event out while one is open.
 */
public interface TransactionLevels {

    /** Begins a savepoint of the event's writes; the handle goes back to {@link #endLevel}. Levels nest. */
    Object beginLevel();

    /**
     * Ends a savepoint: {@code keep} keeps what it wrote with the event's other writes, else undoes
     * it, key-value and SQL. Only the innermost open level ends; one that ended (or was rolled back) does
     * nothing.
     *
     * @throws IllegalStateException when a level nested in it is still open
     */
    void endLevel(Object level, boolean keep);

    /** Whether {@code level} ended (kept or undone). */
    boolean levelEnded(Object level);
}
