package dev.pier.workers;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * An object's durable key-value storage, Cloudflare's {@code state.storage}. Reads see the
 * event's own writes at once; writes are committed together when the event ends (the response
 * waits for that), or at once by {@link #sync()}. Keys are ordered by their UTF-8 bytes, as on
 * Cloudflare. Limits as Cloudflare's: at most 128 keys per call, key and value together at most
 * 2 MB.
 */
public interface DurableObjectStorage {

    /** The value, or null. */
    byte[] get(String key);

    /** The values of the keys that exist. */
    Map<String, byte[]> get(Collection<String> keys);

    void put(String key, byte[] value);

    void put(Map<String, byte[]> entries);

    /** Whether the key existed. */
    boolean delete(String key);

    /** How many of the keys existed. */
    int delete(Collection<String> keys);

    /** Entries in key order (their UTF-8 bytes'), as {@code list(options)}; the map keeps that order. */
    Map<String, byte[]> list(ListOptions options);

    /** Deletes every key (and the object's alarm). */
    void deleteAll();

    /** Commits this event's writes now, rather than when it ends. */
    void sync();

    /** When the object's alarm is set for, in milliseconds since the epoch; null when none is. */
    Long getAlarm();

    /**
     * Sets the object's alarm (replacing any): at that time its {@link DurableObject#alarm} runs,
     * after a restart too. Written with the event's other writes.
     */
    void setAlarm(long epochMillis);

    void deleteAlarm();

    /** A UTF-8 text value, or null. */
    default String getString(String key) {
        byte[] v = get(key);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    default void putString(String key, String value) {
        put(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
