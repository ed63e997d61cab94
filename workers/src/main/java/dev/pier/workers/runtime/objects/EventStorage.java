package dev.pier.workers.runtime.objects;

import dev.pier.workers.DurableObjectStorage;
import dev.pier.workers.ListOptions;
import dev.pier.workers.runtime.storage.ObjectStorage;
import dev.pier.workers.runtime.storage.WriteBatch;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cloudflare's storage API for one object, over its durable {@link ObjectStorage}: an event's
 * writes are kept (its own reads see them at once) and committed together when the event ends,
 * in one transaction, before anything the event answered is released. Used by the object's
 * events only, one at a time.
 */
final class EventStorage implements DurableObjectStorage {

    /** A key the event deleted. */
    private static final byte[] DELETED = new byte[0];

    private final ObjectStorage durable;
    private WriteBatch batch = new WriteBatch();
    /** The event's writes by key; {@link #DELETED} for a deletion. */
    private final Map<String, byte[]> written = new LinkedHashMap<>();
    /** The event deleted everything before its writes in {@link #written}. */
    private boolean clearedAll;
    /** The event's change to the alarm: the time it set, {@link #NO_ALARM} for a deletion, or null for none. */
    private Long alarm;
    /** The alarm the last commit left, for the object's timer; null until asked after a commit. */
    private Long committedAlarm;
    private boolean alarmCommitted;

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
        return clearedAll ? null : durable.get(key);
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

    /** Commits what the event wrote so far first, so the listing is the durable one. */
    @Override
    public Map<String, byte[]> list(ListOptions options) {
        sync();
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : durable.list(options)) {
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
        java.util.OptionalLong stored = durable.alarm();
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

    @Override
    public void sync() {
        if (!batch.isEmpty()) {
            durable.commit(batch);
            if (alarm != null) {
                committedAlarm = alarm;
                alarmCommitted = true;
            }
        }
        discard();
    }

    /** Forgets the event's writes: the event failed, so nothing of it is kept. */
    void discard() {
        if (!batch.isEmpty()) { // most events of an object write nothing: no new batch for them
            batch = new WriteBatch();
        }
        written.clear();
        clearedAll = false;
        alarm = null;
    }
}
