package dev.pier.workers.runtime.storage;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;

/**
 * The process {@link StorageCrashTest} kills: it writes to one object without end, each write a
 * transaction of a key-value batch and an SQL row, and prints each write's sequence number once
 * the write has returned. It goes on from the last write a killed run left.
 * Arguments: {@code sqlite <data directory>} or {@code postgres <schema>}.
 */
public final class CrashWriter {

    private CrashWriter() {
    }

    static String key(long seq) {
        return "seq/" + String.format("%08d", seq);
    }

    static byte[] value(long seq) {
        return ("value " + seq).getBytes(UTF_8);
    }

    public static void main(String[] args) {
        ObjectStore store = args[0].equals("sqlite") ? ObjectStore.sqlite(Path.of(args[1])) : TestPostgres.open(args[1]);
        ObjectStorage storage = store.open("Crash", "writer");
        storage.exec("CREATE TABLE IF NOT EXISTS acks (seq INTEGER PRIMARY KEY)");
        byte[] last = storage.get("last");
        long seq = last == null ? 0 : Long.parseLong(new String(last, UTF_8));
        while (true) {
            long next = ++seq;
            storage.transaction(tx -> {
                tx.commit(new WriteBatch().put(key(next), value(next)).put("last", Long.toString(next).getBytes(UTF_8)).setAlarm(next));
                tx.exec("INSERT INTO acks (seq) VALUES (?)", next);
                return null;
            });
            System.out.println(next);
            System.out.flush();
        }
    }
}
