package dev.pier.workers.runtime.storage;

import dev.pier.workers.ListOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on the embedded backend, and what only it has: a file per object, a bound on open files, SQLite's SQL. */
class SqliteObjectStoreTest extends ObjectStorageContract {

    @TempDir
    Path data;

    @Override
    protected ObjectStore newStore() {
        return ObjectStore.sqlite(data);
    }

    @Override
    protected ObjectStore sameData() {
        return ObjectStore.sqlite(data);
    }

    @Override
    protected String bytesType() {
        return "BLOB";
    }

    @Test
    void eachObjectIsADatabaseFileOfItsOwnMadeOnItsFirstWrite() {
        ObjectStorage other = store.open("Lobby", "b2");
        other.get("k");
        other.list(ListOptions.ALL);
        assertThat(data.resolve("Lobby/b2.sqlite")).doesNotExist();
        other.commit(new WriteBatch().put("k", bytes("v")));
        assertThat(data.resolve("Lobby/b2.sqlite")).isRegularFile();
        assertThat(data.resolve("Room/a1.sqlite")).doesNotExist();
    }

    @Test
    void atMostTheBoundOfDatabasesIsOpenAndAClosedOneOpensAgain() {
        store.close();
        SqliteObjectStore bounded = new SqliteObjectStore(data, 4);
        store = bounded;
        for (int i = 0; i < 20; i++) {
            bounded.open("Room", "o" + i).commit(new WriteBatch().put("n", bytes("" + i)));
            assertThat(bounded.openFiles()).isLessThanOrEqualTo(4);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(bounded.open("Room", "o" + i).get("n")).isEqualTo(bytes("" + i));
        }
        assertThat(bounded.openFiles()).isEqualTo(4);
    }

    @Test
    void threadsSharingFewerOpenDatabasesThanObjectsLoseNoWrite() throws Exception {
        store.close();
        SqliteObjectStore bounded = new SqliteObjectStore(data, 3);
        store = bounded;
        int threads = 4;
        int objects = 8;
        int rounds = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String writer = "t" + t;
            done.add(pool.submit(() -> {
                for (int round = 0; round < rounds; round++) {
                    for (int o = 0; o < objects; o++) {
                        bounded.open("Room", "o" + o).commit(new WriteBatch().put(writer, bytes("" + round)));
                    }
                }
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        pool.shutdown();
        for (int o = 0; o < objects; o++) {
            assertThat(bounded.open("Room", "o" + o).list(ListOptions.ALL)).extracting(e -> new String(e.getValue()))
                    .containsExactly("" + (rounds - 1), "" + (rounds - 1), "" + (rounds - 1), "" + (rounds - 1));
        }
        assertThat(bounded.openFiles()).isLessThanOrEqualTo(3);
    }

    @Test
    void aDatabaseInUseIsNotClosed() {
        store.close();
        SqliteObjectStore bounded = new SqliteObjectStore(data, 1);
        store = bounded;
        ObjectStorage busy = bounded.open("Room", "busy");
        busy.transaction(tx -> {
            tx.commit(new WriteBatch().put("a", bytes("1")));
            // another object opens while this one's transaction is open: the bound gives way
            bounded.open("Room", "other").commit(new WriteBatch().put("b", bytes("2")));
            tx.commit(new WriteBatch().put("c", bytes("3")));
            return null;
        });
        assertThat(busy.get(List.of("a", "c"))).hasSize(2);
        assertThat(bounded.openFiles()).isEqualTo(1);
    }

    @Test
    void everyDatabaseIsInWalModeAndSyncsEachCommit() throws Exception {
        try (SqliteFiles files = new SqliteFiles(1)) {
            Map<String, String> pragmas = files.use(data.resolve("Room/probe.sqlite"), c -> {
                Map<String, String> values = new HashMap<>();
                for (String pragma : List.of("journal_mode", "synchronous", "foreign_keys")) {
                    try (var rs = c.createStatement().executeQuery("PRAGMA " + pragma)) {
                        rs.next();
                        values.put(pragma, rs.getString(1));
                    }
                }
                return values;
            });
            // synchronous 2 is FULL: the WAL is synced at every commit
            assertThat(pragmas).isEqualTo(Map.of("journal_mode", "wal", "synchronous", "2", "foreign_keys", "1"));
        }
    }

    @Test
    void sqliteSql() {
        storage.exec("""
                CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT);
                CREATE TABLE counts (n INTEGER);
                INSERT INTO counts (n) VALUES (0);
                CREATE TRIGGER counted AFTER INSERT ON messages BEGIN
                  UPDATE counts SET n = n + 1;
                  UPDATE counts SET n = CASE WHEN n > 100 THEN 0 ELSE n END;
                END;
                """);
        storage.exec("INSERT INTO messages (body) VALUES (?), (?)", "hi", "there");
        assertThat(storage.exec("SELECT n FROM counts").one()).isEqualTo(Map.of("n", 2L));
        assertThat(storage.exec("PRAGMA table_info(messages)").columnNames()).contains("name", "type");
        assertThat(storage.exec("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").toList())
                .extracting(row -> row.get("name")).contains("_pier_kv", "messages");
        assertThat(storage.exec("SELECT ? AS t, ? AS f", true, false).one()).isEqualTo(Map.of("t", 1L, "f", 0L));
    }

    @Test
    void aRowIsAtMostTheLimit() {
        storage.exec("CREATE TABLE blobs (b BLOB)");
        assertThatThrownBy(() -> storage.exec("INSERT INTO blobs (b) VALUES (zeroblob(?))", StorageLimits.MAX_ENTRY_BYTES + 2048))
                .isInstanceOf(StorageException.class).hasMessageContaining("too big");
    }

    @Test
    void theAlarmIndexIsCorrectedWhenItIsEarlierThanTheObject() {
        // as after a crash between lowering the index and the commit that failed
        SqliteAlarmIndex index = new SqliteAlarmIndex(data);
        index.lower(storage.ref(), 100);
        storage.commit(new WriteBatch().put("k", bytes("v")));
        assertThat(store.dueAlarms(1_000)).isEmpty();
        storage.commit(new WriteBatch().setAlarm(5_000));
        index.lower(storage.ref(), 200);
        assertThat(store.dueAlarms(1_000)).isEmpty();
        assertThat(store.dueAlarms(5_000)).containsExactly(storage.ref());
        index.close();
        assertThat(Files.exists(data.resolve(SqliteAlarmIndex.FILE_NAME))).isTrue();
    }
}
