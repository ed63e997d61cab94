package dev.pier.workers.runtime.objects;

import dev.pier.workers.DurableObjectStorage;
import dev.pier.workers.DurableObjectTransaction;
import dev.pier.workers.ListOptions;
import dev.pier.workers.SqlStorage;
import dev.pier.workers.runtime.storage.ObjectStorage;
import dev.pier.workers.runtime.storage.SqlCursor;
import dev.pier.workers.runtime.storage.WriteBatch;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Cloudflare's storage API for one object, over its durable {@link ObjectStorage}: an event's
 * writes, key-value and SQL, are committed together when it ends, in one transaction, before
 * anything the event answered is released, whether its code returned or threw (Cloudflare's output
 * gate does not undo what an exception interrupted); an event that resets its object keeps none of
 * them. Used by the object's events only, one at a time.
 *
 * <p>Key-value writes are kept in memory (the event's reads see them at once). An event that runs
 * SQL, a transaction closure, or a listing after its writes needs the database to see what it
 * wrote: from then on it has an {@link EventTransaction}, its kept writes go into it before each
 * such call (so that, in order with its SQL, a {@code deleteAll} drops the tables made before it
 * and not those made after), and every storage call goes through it. An event that only reads
 * and puts keys opens no transaction: its writes are one commit at its end.
 */
final class EventStorage implements DurableObjectStorage, dev.pier.workers.host.TransactionLevels {

    /** A key the event deleted. */
    private static final byte[] DELETED = new byte[0];

    private final ObjectStorage durable;
    private final SqlStorage sql = new EventSql(this);
    /** The event's key-value writes not yet in the database, its transaction's or committed. */
    private WriteBatch batch = new WriteBatch();
    /** The writes of {@link #batch} by key; {@link #DELETED} for a deletion. */
    private final Map<String, byte[]> written = new LinkedHashMap<>();
    /** {@link #batch} deletes everything before its writes in {@link #written}. */
    private boolean clearedAll;
    /** The event's change to the alarm: the time it set, {@link #NO_ALARM} for a deletion, or null for none. */
    private Long alarm;
    /** The alarm the last commit left, for the object's timer; null until asked after a commit. */
    private Long committedAlarm;
    private boolean alarmCommitted;
    /** The event's database transaction, from its first call that needs one until it ends; null while none is open. */
    private EventTransaction transaction;
    /**
     * Why the object is reset whatever its code does next; null while nothing made it fail. Volatile:
     * a JavaScript object's {@code blockConcurrencyWhile} callback may fail on the thread of a timer.
     */
    private volatile RuntimeException failure;

    /** An alarm deleted. */
    static final long NO_ALARM = -1;

    EventStorage(ObjectStorage durable) {
        this.durable = durable;
    }

    @Override
    public byte[] get(String key) {
        byte[] mine = written.get(key);
        if (mine != null) {
            return mine == DELETED ? null : mine;
        }
        return clearedAll ? null : durably(s -> s.get(key));
    }

    @Override
    public Map<String, byte[]> get(Collection<String> keys) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String key : keys) {
            byte[] value = get(key);
            if (value != null) {
                out.put(key, value);
            }
        }
        return out;
    }

    @Override
    public void put(String key, byte[] value) {
        batch.put(key, value); // checks the limits before anything is kept
        written.put(key, value.clone());
    }

    @Override
    public void put(Map<String, byte[]> entries) {
        batch.put(entries);
        entries.forEach((k, v) -> written.put(k, v.clone()));
    }

    @Override
    public boolean delete(String key) {
        boolean existed = get(key) != null;
        batch.delete(key);
        written.put(key, DELETED);
        return existed;
    }

    @Override
    public int delete(Collection<String> keys) {
        int existed = 0;
        for (String key : keys) {
            existed += delete(key) ? 1 : 0;
        }
        return existed;
    }

    /** The database lists: after writes, the event's transaction does, with them in it. */
    @Override
    public Map<String, byte[]> list(ListOptions options) {
        if (!batch.isEmpty()) {
            openTransaction();
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : durably(s -> s.list(options))) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    @Override
    public void deleteAll() {
        batch.deleteAll();
        written.clear();
        clearedAll = true;
        alarm = NO_ALARM; // Cloudflare's deleteAll deletes the alarm too
    }

    @Override
    public Long getAlarm() {
        if (alarm != null) {
            return alarm == NO_ALARM ? null : alarm;
        }
        OptionalLong stored = durably(ObjectStorage::alarm);
        return stored.isPresent() ? stored.getAsLong() : null;
    }

    @Override
    public void setAlarm(long epochMillis) {
        if (epochMillis < 0) {
            throw new IllegalArgumentException("epochMillis: " + epochMillis + " (expected: a time since the epoch)");
        }
        batch.setAlarm(epochMillis);
        alarm = epochMillis;
    }

    @Override
    public void deleteAlarm() {
        batch.deleteAlarm();
        alarm = NO_ALARM;
    }

    @Override
    public SqlStorage sql() {
        return sql;
    }

    /** Runs SQL in the event's transaction, after the key-value writes the event made before it. */
    SqlCursor exec(String query, Object[] bindings) {
        return openTransaction().call(s -> s.exec(query, bindings));
    }

    long databaseSize() {
        return durably(ObjectStorage::databaseSize);
    }

    @Override
    public <T> T transactionSync(Supplier<T> closure) {
        return inLevel(level -> closure.get());
    }

    @Override
    public <T> T transaction(Function<DurableObjectTransaction, T> closure) {
        return inLevel(level -> closure.apply(new ClosureTransaction(this, level)));
    }

    /**
     * One transaction closure: a savepoint of the event's transaction, with the event's earlier
     * writes before it, and the alarm as it was before it.
     */
    static final class Level {
        private final int depth;
        private final Long alarmBefore;
        private boolean ended;

        private Level(int depth, Long alarmBefore) {
            this.depth = depth;
            this.alarmBefore = alarmBefore;
        }

        boolean ended() {
            return ended;
        }
    }

    /** Runs {@code closure} in a savepoint: kept with the event's writes when it returns, undone when it throws (rethrown). */
    private <T> T inLevel(Function<Level, T> closure) {
        EventTransaction open = openTransaction(); // the writes before the closure are not its own
        open.begin();
        Level level = new Level(open.depth(), alarm);
        T result;
        try {
            result = closure.apply(level);
            if (!level.ended) {
                writeKept();
            }
        } catch (RuntimeException | Error e) {
            if (!level.ended) {
                try {
                    rollBack(level);
                } catch (RuntimeException second) {
                    e.addSuppressed(second);
                }
            }
            throw e;
        }
        if (!level.ended) {
            level.ended = true;
            open.end(true);
        }
        return result;
    }

    @Override
    public Object beginLevel() {
        EventTransaction open = openTransaction(); // the writes before the level are not its own
        open.begin();
        return new Level(open.depth(), alarm);
    }

    @Override
    public void endLevel(Object handle, boolean keep) {
        Level level = (Level) handle;
        if (level.ended) {
            return;
        }
        if (!keep) {
            rollBack(level);
            return;
        }
        if (transaction == null || transaction.depth() != level.depth) {
            throw new IllegalStateException("transaction: a transaction nested in this one is still open (expected: the innermost ends first)");
        }
        writeKept();
        level.ended = true;
        transaction.end(true);
    }

    @Override
    public boolean levelEnded(Object handle) {
        return ((Level) handle).ended;
    }

    /** Undoes everything written in {@code level}, key-value and SQL; the closure goes on outside it. */
    void rollBack(Level level) {
        if (level.ended) {
            throw new IllegalStateException("rollback: the transaction has ended");
        }
        if (transaction == null || transaction.depth() != level.depth) {
            throw new IllegalStateException("rollback: a transaction nested in this one is open (expected: only the innermost one rolls back)");
        }
        level.ended = true;
        forgetKept(); // all of it written inside the level, which began by writing the event's earlier writes into the database
        alarm = level.alarmBefore;
        transaction.end(false);
    }

    /** Commits what the event wrote so far, key-value and SQL; the event goes on with a transaction no longer open. */
    @Override
    public void sync() {
        if (failure != null) {
            throw failure;
        }
        if (transaction != null && transaction.depth() > 1) {
            throw new IllegalStateException("sync: inside a transaction closure (expected: outside it, where the event's writes can be committed)");
        }
        boolean committed = false;
        if (transaction != null) {
            writeKept();
            EventTransaction open = transaction;
            transaction = null; // ended when end returns, committed or, when it throws, rolled back
            open.end(true);
            committed = true;
        } else if (!batch.isEmpty()) {
            durable.commit(batch);
            committed = true;
        }
        if (committed && alarm != null) {
            committedAlarm = alarm;
            alarmCommitted = true;
        }
        forgetKept();
        alarm = null;
    }

    /** Forgets the event's writes: the object is reset, so nothing of the event is kept; its transaction is rolled back. */
    void discard() {
        if (transaction != null) {
            EventTransaction open = transaction;
            transaction = null;
            open.rollBackAll();
        }
        forgetKept();
        alarm = null;
        failure = null;
    }

    /**
     * The object is reset, whatever the event's code does next: nothing of the event is committed,
     * and {@link #sync()} throws {@code cause}.
     */
    void fail(RuntimeException cause) {
        if (failure == null) {
            failure = cause;
        }
    }

    /**
     * The alarm as the last commit changed it: a time, {@link #NO_ALARM}, or null when no commit
     * since the last call changed it.
     */
    Long takeAlarmChange() {
        if (!alarmCommitted) {
            return null;
        }
        alarmCommitted = false;
        return committedAlarm;
    }

    /** Runs {@code operation} on the durable storage: in the event's transaction while one is open (its connection is the transaction's). */
    private <T> T durably(Function<ObjectStorage, T> operation) {
        return transaction != null ? transaction.call(operation) : operation.apply(durable);
    }

    /** The event's transaction, opened if none is, with the writes the event kept so far in it. */
    private EventTransaction openTransaction() {
        if (transaction == null) {
            transaction = EventTransaction.open(durable);
        }
        writeKept();
        return transaction;
    }

    /** Writes what the event kept in memory into its open transaction, which commits it or rolls it back with the rest. */
    private void writeKept() {
        if (!batch.isEmpty()) {
            WriteBatch kept = batch;
            transaction.call(s -> {
                s.commit(kept);
                return null;
            });
            forgetKept();
        }
    }

    private void forgetKept() {
        if (!batch.isEmpty()) { // most events of an object write nothing: no new batch for them
            batch = new WriteBatch();
        }
        written.clear();
        clearedAll = false;
    }
}
