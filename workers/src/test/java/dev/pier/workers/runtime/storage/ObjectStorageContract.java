package dev.pier.workers.runtime.storage;

import dev.pier.workers.ListOptions;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every backend of {@link ObjectStore} does, run on each by a subclass: the key-value API
 * with Cloudflare's order and list options, atomic commits and transactions, alarms that survive
 * a restart, the SQL API with its refusals, and the limits.
 */
abstract class ObjectStorageContract {

    protected ObjectStore store;
    protected ObjectStorage storage;

    /** A new, empty store. */
    protected abstract ObjectStore newStore() throws Exception;

    /** A second store on the data of the last {@link #newStore()}: the node after a restart. */
    protected abstract ObjectStore sameData() throws Exception;

    /** The backend's name for a column of bytes. */
    protected abstract String bytesType();

    @BeforeEach
    void open() throws Exception {
        store = newStore();
        storage = store.open("Room", "a1");
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Closes the store and opens another on the same data. */
    protected void restart() throws Exception {
        store.close();
        store = sameData();
        storage = store.open("Room", "a1");
    }

    static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private void put(String... keys) {
        WriteBatch batch = new WriteBatch();
        for (String key : keys) {
            batch.put(key, bytes("v:" + key));
        }
        storage.commit(batch);
    }

    private List<String> keys(ListOptions options) {
        return storage.list(options).stream().map(Map.Entry::getKey).toList();
    }

    // ---------------------------------------------------------------- key-value

    @Test
    void anObjectNeverWrittenHasNothing() {
        assertThat(storage.get("k")).isNull();
        assertThat(storage.get(List.of("a", "b"))).isEmpty();
        assertThat(storage.list(ListOptions.ALL)).isEmpty();
        assertThat(storage.alarm()).isEmpty();
    }

    @Test
    void putGetOverwriteDelete() {
        storage.commit(new WriteBatch().put("k", bytes("one")));
        assertThat(storage.get("k")).isEqualTo(bytes("one"));
        storage.commit(new WriteBatch().put("k", bytes("two")));
        assertThat(storage.get("k")).isEqualTo(bytes("two"));
        storage.commit(new WriteBatch().delete("k"));
        assertThat(storage.get("k")).isNull();
    }

    @Test
    void getOfSeveralKeysAnswersThoseThatExistInKeyOrder() {
        put("b", "a", "c");
        Map<String, byte[]> found = storage.get(List.of("c", "missing", "a"));
        assertThat(found.keySet()).containsExactly("a", "c");
        assertThat(found.get("c")).isEqualTo(bytes("v:c"));
    }

    @Test
    void aBatchMeansWhatItsCallsDidInOrder() {
        put("gone", "kept");
        storage.commit(new WriteBatch()
                .put("x", bytes("first")).put("x", bytes("second"))
                .put("y", bytes("put")).delete("y")
                .delete("z").put("z", bytes("back"))
                .delete(List.of("gone")));
        assertThat(storage.get("x")).isEqualTo(bytes("second"));
        assertThat(storage.get("y")).isNull();
        assertThat(storage.get("z")).isEqualTo(bytes("back"));
        assertThat(keys(ListOptions.ALL)).containsExactly("kept", "x", "z");
    }

    @Test
    void emptyKeysAndValuesAreValues() {
        storage.commit(new WriteBatch().put("", new byte[0]));
        assertThat(storage.get("")).isEmpty();
        assertThat(keys(ListOptions.ALL)).containsExactly("");
    }

    @Test
    void keysAreOrderedByTheirUtf8Bytes() {
        // in UTF-16 (Java's String order) the emoji's surrogate D83D sorts before U+FF5E; in UTF-8 it sorts after
        String fullwidthTilde = "\uFF5E";
        String emoji = "\uD83D\uDE00";
        put(emoji, fullwidthTilde, "é", "z", "a", "ab", "Z", "a\u0000b", "A");
        assertThat(keys(ListOptions.ALL)).containsExactly("A", "Z", "a", "a\u0000b", "ab", "z", "é", fullwidthTilde, emoji);
        assertThat(storage.get(emoji)).isEqualTo(bytes("v:" + emoji));
    }

    @Test
    void listOptions() {
        put("a", "b", "c", "d", "e", "pa", "pb", "pc", "q");
        assertThat(keys(ListOptions.ALL.start("b"))).containsExactly("b", "c", "d", "e", "pa", "pb", "pc", "q");
        assertThat(keys(ListOptions.ALL.startAfter("b"))).containsExactly("c", "d", "e", "pa", "pb", "pc", "q");
        assertThat(keys(ListOptions.ALL.end("c"))).containsExactly("a", "b");
        assertThat(keys(ListOptions.ALL.start("b").end("e"))).containsExactly("b", "c", "d");
        assertThat(keys(ListOptions.ALL.prefix("p"))).containsExactly("pa", "pb", "pc");
        assertThat(keys(ListOptions.ALL.reverse(true))).containsExactly("q", "pc", "pb", "pa", "e", "d", "c", "b", "a");
        assertThat(keys(ListOptions.ALL.limit(2))).containsExactly("a", "b");
        assertThat(keys(ListOptions.ALL.reverse(true).limit(2))).containsExactly("q", "pc");
        assertThat(keys(ListOptions.ALL.prefix("p").start("pb"))).containsExactly("pb", "pc");
        assertThat(keys(ListOptions.ALL.prefix("p").startAfter("pa").limit(1))).containsExactly("pb");
        assertThat(keys(ListOptions.ALL.prefix("p").end("pc").reverse(true))).containsExactly("pb", "pa");
        assertThat(keys(ListOptions.ALL.start("b").end("pb").reverse(true).limit(3))).containsExactly("pa", "e", "d");
        assertThat(keys(ListOptions.ALL.startAfter("d").end("pb"))).containsExactly("e", "pa");
        assertThat(keys(ListOptions.ALL.start("x"))).isEmpty();
        assertThat(keys(ListOptions.ALL.start("d").end("b"))).isEmpty();
        assertThat(keys(ListOptions.ALL.prefix("nothing"))).isEmpty();
        assertThat(storage.list(ListOptions.ALL.prefix("pb")).get(0).getValue()).isEqualTo(bytes("v:pb"));
    }

    @Test
    void aPrefixIsBytesNotCharacters() {
        put("é", "éa", "éz", "ê", "e", "f", "\uD83D\uDE00x", "\uD83D\uDE01");
        assertThat(keys(ListOptions.ALL.prefix("é"))).containsExactly("é", "éa", "éz");
        assertThat(keys(ListOptions.ALL.prefix("\uD83D\uDE00"))).containsExactly("\uD83D\uDE00x");
        assertThat(keys(ListOptions.ALL.prefix("e"))).containsExactly("e");
    }

    @Test
    void listRefusesStartWithStartAfter() {
        assertThatThrownBy(() -> ListOptions.ALL.start("a").startAfter("b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("startAfter: b (expected: not together with start a)");
    }

    // ---------------------------------------------------------------- limits

    @Test
    void atMost128KeysPerCall() {
        List<String> keys = IntStream.range(0, 129).mapToObj(i -> "k" + i).toList();
        assertThatThrownBy(() -> storage.get(keys)).isInstanceOf(StorageLimitException.class).hasMessage("keys: 129 (expected: at most 128)");
        assertThatThrownBy(() -> new WriteBatch().delete(keys)).isInstanceOf(StorageLimitException.class);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        keys.forEach(k -> entries.put(k, bytes(k)));
        assertThatThrownBy(() -> new WriteBatch().put(entries)).isInstanceOf(StorageLimitException.class);
        assertThat(storage.get(keys.subList(0, 128))).isEmpty();
    }

    @Test
    void keysAreAtMost2KiBOfUtf8() {
        String twoByteChars = "é".repeat(1025); // 1,025 characters, 2,050 bytes
        assertThatThrownBy(() -> new WriteBatch().put(twoByteChars, bytes("v"))).isInstanceOf(StorageLimitException.class)
                .hasMessage("key: 2050 bytes (expected: at most 2048 bytes)");
        assertThatThrownBy(() -> storage.get(twoByteChars)).isInstanceOf(StorageLimitException.class);
        assertThatThrownBy(() -> new WriteBatch().delete(twoByteChars)).isInstanceOf(StorageLimitException.class);
        String longest = "k".repeat(2048);
        storage.commit(new WriteBatch().put(longest, bytes("v")));
        assertThat(storage.get(longest)).isEqualTo(bytes("v"));
    }

    @Test
    void keyAndValueAreAtMost2MiB() {
        String key = "k".repeat(2048);
        byte[] largest = new byte[StorageLimits.MAX_ENTRY_BYTES - 2048];
        largest[largest.length - 1] = 7;
        storage.commit(new WriteBatch().put(key, largest));
        assertThat(storage.get(key)).isEqualTo(largest);
        assertThatThrownBy(() -> new WriteBatch().put(key, new byte[largest.length + 1])).isInstanceOf(StorageLimitException.class)
                .hasMessage("key + value: 2097153 bytes (expected: at most 2097152 bytes)");
    }

    @Test
    void aKeyUtf8CannotEncodeIsRefused() {
        assertThatThrownBy(() -> new WriteBatch().put("a\uD800", bytes("v"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key: an unpaired surrogate at 1 (expected: a string UTF-8 can encode)");
    }

    @Test
    void aPutOfSeveralEntriesThatBreaksALimitAddsNoneOfThem() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("fine", bytes("v"));
        entries.put("too big", new byte[StorageLimits.MAX_ENTRY_BYTES]);
        WriteBatch batch = new WriteBatch().put("before", bytes("v"));
        assertThatThrownBy(() -> batch.put(entries)).isInstanceOf(StorageLimitException.class);
        storage.commit(batch);
        assertThat(keys(ListOptions.ALL)).containsExactly("before");
    }

    @Test
    void sqlLimits() {
        String longSql = "SELECT 1 -- " + "x".repeat(StorageLimits.MAX_SQL_BYTES);
        assertThatThrownBy(() -> storage.exec(longSql)).isInstanceOf(StorageLimitException.class)
                .hasMessage("sql: " + longSql.length() + " bytes (expected: at most 100000 bytes)");
        Object[] bindings = new Object[101];
        assertThatThrownBy(() -> storage.exec("SELECT 1", bindings)).isInstanceOf(StorageLimitException.class)
                .hasMessage("bindings: 101 (expected: at most 100)");
    }

    // ---------------------------------------------------------------- atomicity

    @Test
    void aTransactionThatThrowsWritesNothing() {
        storage.exec("CREATE TABLE t (n INTEGER)");
        put("kept");
        assertThatThrownBy(() -> storage.transaction(tx -> {
            tx.commit(new WriteBatch().put("a", bytes("1")).delete("kept").setAlarm(5_000));
            tx.exec("INSERT INTO t (n) VALUES (1)");
            assertThat(tx.get("a")).isEqualTo(bytes("1"));
            throw new IllegalStateException("handler failed");
        })).isInstanceOf(IllegalStateException.class).hasMessage("handler failed");
        assertThat(storage.get("a")).isNull();
        assertThat(storage.get("kept")).isNotNull();
        assertThat(storage.alarm()).isEmpty();
        assertThat(storage.exec("SELECT count(*) AS n FROM t").one().get("n")).isEqualTo(0L);
        assertThat(store.dueAlarms(10_000)).isEmpty();
    }

    @Test
    void aBatchThatBreaksALimitInATransactionWritesNothing() {
        assertThatThrownBy(() -> storage.transaction(tx -> {
            tx.commit(new WriteBatch().put("a", bytes("1")));
            tx.commit(new WriteBatch().put("b", new byte[StorageLimits.MAX_ENTRY_BYTES]));
            return null;
        })).isInstanceOf(StorageLimitException.class);
        assertThat(storage.list(ListOptions.ALL)).isEmpty();
    }

    @Test
    void aTransactionCommitsEverythingInItAndReturnsItsValue() {
        storage.exec("CREATE TABLE t (n INTEGER)");
        String result = storage.transaction(tx -> {
            tx.commit(new WriteBatch().put("a", bytes("1")));
            tx.exec("INSERT INTO t (n) VALUES (?)", 7);
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(storage.get("a")).isEqualTo(bytes("1"));
        assertThat(storage.exec("SELECT n FROM t").one()).isEqualTo(Map.of("n", 7L));
    }

    @Test
    void aFailedStatementInATransactionUndoesOnlyItself() {
        storage.exec("CREATE TABLE t (n INTEGER PRIMARY KEY)");
        storage.transaction(tx -> {
            tx.exec("INSERT INTO t (n) VALUES (1)");
            assertThatThrownBy(() -> tx.exec("INSERT INTO t (n) VALUES (1)")).isInstanceOf(StorageException.class);
            tx.exec("INSERT INTO t (n) VALUES (2)");
            return null;
        });
        assertThat(storage.exec("SELECT n FROM t ORDER BY n").raw()).containsExactly(new Object[] {1L}, new Object[] {2L});
    }

    @Test
    void aNestedTransactionThatThrowsUndoesOnlyItself() {
        storage.transaction(outer -> {
            outer.commit(new WriteBatch().put("outer", bytes("1")));
            assertThatThrownBy(() -> outer.transaction(inner -> {
                inner.commit(new WriteBatch().put("inner", bytes("1")));
                throw new IllegalStateException("inner");
            })).hasMessage("inner");
            return null;
        });
        assertThat(keys(ListOptions.ALL)).containsExactly("outer");
    }

    @Test
    void aFailedFirstStatementInATransactionLeavesTheSqlDatabaseUsable() {
        storage.transaction(tx -> {
            assertThatThrownBy(() -> tx.exec("SELECT * FROM nowhere")).isInstanceOf(StorageException.class);
            tx.exec("CREATE TABLE t (n INTEGER)");
            tx.exec("INSERT INTO t (n) VALUES (1)");
            return null;
        });
        assertThat(storage.exec("SELECT n FROM t").one()).isEqualTo(Map.of("n", 1L));
    }

    @Test
    void severalStatementsInOneExecAreAtomic() {
        storage.exec("CREATE TABLE t (n INTEGER PRIMARY KEY)");
        assertThatThrownBy(() -> storage.exec("INSERT INTO t (n) VALUES (1); INSERT INTO missing (n) VALUES (2)"))
                .isInstanceOf(StorageException.class).hasMessageContaining("missing");
        assertThat(storage.exec("SELECT n FROM t").toList()).isEmpty();
    }

    @Test
    void writesAreThereAfterARestart() throws Exception {
        put("a", "b");
        storage.exec("CREATE TABLE t (n INTEGER)");
        storage.exec("INSERT INTO t (n) VALUES (42)");
        restart();
        assertThat(keys(ListOptions.ALL)).containsExactly("a", "b");
        assertThat(storage.exec("SELECT n FROM t").one().get("n")).isEqualTo(42L);
    }

    @Test
    void objectsAreIsolated() {
        ObjectStorage other = store.open("Room", "b2");
        ObjectStorage otherNamespace = store.open("Lobby", "a1");
        put("shared");
        storage.exec("CREATE TABLE t (n INTEGER)");
        storage.exec("INSERT INTO t (n) VALUES (1)");
        other.exec("CREATE TABLE t (n INTEGER)");
        assertThat(other.get("shared")).isNull();
        assertThat(otherNamespace.list(ListOptions.ALL)).isEmpty();
        assertThat(other.exec("SELECT n FROM t").toList()).isEmpty();
        other.commit(new WriteBatch().deleteAll());
        assertThat(storage.get("shared")).isNotNull();
        assertThat(storage.exec("SELECT n FROM t").toList()).hasSize(1);
    }

    @Test
    void namesThatAreNotFileOrSchemaNamesAreRefused() {
        assertThatThrownBy(() -> store.open("Room", "../escape")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("objectId: ../escape (expected: 1 to 128 of A-Z a-z 0-9 _ -, starting with a letter or digit)");
        assertThatThrownBy(() -> store.open("", "a1")).hasMessageStartingWith("namespace:  (expected");
    }

    // ---------------------------------------------------------------- deleteAll

    @Test
    void deleteAllDeletesKeysTablesAndTheAlarm() {
        put("a", "b");
        storage.exec("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
        storage.exec("CREATE TABLE child (parent_id INTEGER REFERENCES parent (id))");
        storage.exec("CREATE VIEW v AS SELECT id FROM parent");
        storage.exec("INSERT INTO parent (id) VALUES (1); INSERT INTO child (parent_id) VALUES (1)");
        storage.commit(new WriteBatch().setAlarm(1_000));
        storage.commit(new WriteBatch().put("before", bytes("x")).deleteAll().put("after", bytes("y")));
        assertThat(keys(ListOptions.ALL)).containsExactly("after");
        assertThat(storage.alarm()).isEmpty();
        assertThat(store.dueAlarms(2_000)).isEmpty();
        assertThatThrownBy(() -> storage.exec("SELECT * FROM parent")).isInstanceOf(StorageException.class);
        storage.exec("CREATE TABLE parent (other TEXT)");
        assertThat(storage.exec("SELECT * FROM parent").columnNames()).containsExactly("other");
    }

    @Test
    void anAlarmSetAfterDeleteAllInTheSameBatchStays() {
        storage.commit(new WriteBatch().setAlarm(1_000).deleteAll().setAlarm(3_000));
        assertThat(storage.alarm()).isEqualTo(OptionalLong.of(3_000));
    }

    // ---------------------------------------------------------------- alarms

    @Test
    void alarmsAreSetReplacedAndDeleted() {
        storage.commit(new WriteBatch().setAlarm(1_000));
        assertThat(storage.alarm()).isEqualTo(OptionalLong.of(1_000));
        storage.commit(new WriteBatch().setAlarm(5_000));
        assertThat(storage.alarm()).isEqualTo(OptionalLong.of(5_000));
        assertThat(store.dueAlarms(4_999)).isEmpty();
        assertThat(store.dueAlarms(5_000)).containsExactly(storage.ref());
        storage.commit(new WriteBatch().deleteAlarm());
        assertThat(storage.alarm()).isEmpty();
        assertThat(store.dueAlarms(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void dueAlarmsAreFoundAfterARestartEarliestFirst() throws Exception {
        store.open("Room", "late").commit(new WriteBatch().setAlarm(3_000));
        store.open("Room", "early").commit(new WriteBatch().setAlarm(1_000));
        store.open("Lobby", "x").commit(new WriteBatch().setAlarm(2_000));
        store.open("Room", "future").commit(new WriteBatch().setAlarm(9_000));
        store.open("Room", "cancelled").commit(new WriteBatch().setAlarm(500));
        store.open("Room", "cancelled").commit(new WriteBatch().deleteAlarm());
        restart();
        assertThat(store.dueAlarms(3_000)).containsExactly(
                new ObjectRef("Room", "early"), new ObjectRef("Lobby", "x"), new ObjectRef("Room", "late"));
        assertThat(store.open("Room", "future").alarm()).isEqualTo(OptionalLong.of(9_000));
    }

    // ---------------------------------------------------------------- SQL

    @Test
    void sqlRowsColumnsAndCounts() {
        storage.exec("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, score DOUBLE PRECISION, photo " + bytesType() + ")");
        SqlCursor insert = storage.exec("INSERT INTO people (id, name, score, photo) VALUES (?, ?, ?, ?), (?, ?, ?, ?)",
                1, "Ada", 1.5, new byte[] {1, 2}, 2, "Bob", null, null);
        assertThat(insert.rowsWritten()).isEqualTo(2);
        assertThat(insert.toList()).isEmpty();

        SqlCursor rows = storage.exec("SELECT id, name, score, photo FROM people ORDER BY id");
        assertThat(rows.columnNames()).containsExactly("id", "name", "score", "photo");
        assertThat(rows.rowsRead()).isEqualTo(2);
        List<Map<String, Object>> list = rows.toList();
        assertThat(list.get(0)).containsEntry("id", 1L).containsEntry("name", "Ada").containsEntry("score", 1.5);
        assertThat((byte[]) list.get(0).get("photo")).containsExactly(1, 2);
        assertThat(list.get(1)).containsEntry("score", null).containsEntry("photo", null);
        assertThat(rows.raw().get(1)).containsExactly(2L, "Bob", null, null);
        List<String> names = new ArrayList<>();
        rows.forEach(row -> names.add((String) row.get("name")));
        assertThat(names).containsExactly("Ada", "Bob");

        assertThat(storage.exec("UPDATE people SET score = 2 WHERE id >= ?", 1).rowsWritten()).isEqualTo(2);
        assertThat(storage.exec("DELETE FROM people WHERE id = ?", 2).rowsWritten()).isEqualTo(1);
    }

    @Test
    void theStatementsBothDialectsShareBehaveAlike() {
        storage.exec("CREATE TABLE IF NOT EXISTS scores (name TEXT PRIMARY KEY, n INTEGER NOT NULL)");
        storage.exec("CREATE TABLE IF NOT EXISTS scores (name TEXT PRIMARY KEY, n INTEGER NOT NULL)");
        String upsert = "INSERT INTO scores (name, n) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET n = scores.n + 1 RETURNING n";
        assertThat(storage.exec(upsert, "ada").one()).isEqualTo(Map.of("n", 1L));
        assertThat(storage.exec(upsert, "ada").one()).isEqualTo(Map.of("n", 2L));
        assertThat(storage.exec("SELECT name, n FROM scores WHERE n > ? ORDER BY name LIMIT 10", 1).raw()).containsExactly(new Object[] {"ada", 2L});
    }

    @Test
    void oneWantsExactlyOneRow() {
        storage.exec("CREATE TABLE t (n INTEGER)");
        assertThatThrownBy(() -> storage.exec("SELECT n FROM t").one()).isInstanceOf(StorageException.class)
                .hasMessage("Expected exactly one result from SQL query, but got no results.");
        storage.exec("INSERT INTO t (n) VALUES (1), (2)");
        assertThatThrownBy(() -> storage.exec("SELECT n FROM t").one()).hasMessage("Expected exactly one result from SQL query, but got multiple results.");
        assertThat(storage.exec("SELECT n FROM t WHERE n = ?", 2).one()).isEqualTo(Map.of("n", 2L));
    }

    @Test
    void severalStatementsBindTheLastAndAnswerItsRows() {
        SqlCursor cursor = storage.exec("""
                CREATE TABLE t (n INTEGER, s TEXT); -- a comment; with a semicolon
                INSERT INTO t (n, s) VALUES (1, 'a;b');
                /* another; comment */
                SELECT n, s FROM t WHERE n = ?;
                """, 1);
        assertThat(cursor.one()).isEqualTo(Map.of("n", 1L, "s", "a;b"));
        assertThat(cursor.rowsWritten()).isEqualTo(1);
    }

    @Test
    void sqlThatNamesTheStoragesTablesIsRefused() {
        assertThatThrownBy(() -> storage.exec("SELECT * FROM _pier_kv")).isInstanceOf(StorageException.class)
                .hasMessage("sql: _pier_kv (expected: no name starting with _pier_ or _cf_, reserved for the storage's own tables)");
        assertThatThrownBy(() -> storage.exec("SELECT * FROM \"_cf_KV\"")).hasMessageStartingWith("sql: _cf_kv (expected");
        assertThatThrownBy(() -> storage.exec("CREATE TABLE _Pier_mine (n INTEGER)")).hasMessageStartingWith("sql: _pier_mine");
        assertThatThrownBy(() -> storage.exec("SELECT 1; DELETE FROM _pier_do_kv")).hasMessageStartingWith("sql: _pier_do_kv");
        assertThat(storage.exec("SELECT '_pier_kv' AS s").one().get("s")).isEqualTo("_pier_kv");
    }

    @Test
    void transactionStatementsAndSettingsAreRefused() {
        for (String sql : List.of("BEGIN", "begin transaction", "COMMIT", "END", "ROLLBACK", "SAVEPOINT x", "RELEASE x", "START TRANSACTION")) {
            assertThatThrownBy(() -> storage.exec(sql)).as(sql).isInstanceOf(StorageException.class)
                    .hasMessageEndingWith("(expected: no transaction statements; use transaction())");
        }
        assertThatThrownBy(() -> storage.exec("SELECT 1; COMMIT")).hasMessageContaining("use transaction()");
        assertThatThrownBy(() -> storage.exec("ATTACH DATABASE 'x' AS x")).hasMessage("sql: ATTACH (expected: statements on the object's own tables)");
        assertThatThrownBy(() -> storage.exec("SET search_path TO public")).hasMessageStartingWith("sql: SET");
        assertThatThrownBy(() -> storage.exec("PRAGMA synchronous = OFF")).hasMessageStartingWith("sql: PRAGMA synchronous");
        assertThatThrownBy(() -> storage.exec("PRAGMA table_info = 1")).hasMessageStartingWith("sql: PRAGMA table_info");
        assertThatThrownBy(() -> storage.exec("  ; -- nothing")).hasMessage("sql: no statement (expected: at least one)");
        assertThatThrownBy(() -> storage.exec("SELECT 'open")).hasMessageStartingWith("sql: a quote ' at 7 is never closed");
    }

    @Test
    void aBindingOfAnotherTypeIsRefused() {
        assertThatThrownBy(() -> storage.exec("SELECT ?", new Object()))
                .isInstanceOf(StorageException.class).hasMessage("bindings[0]: a java.lang.Object (expected: null, a string, a number, a boolean or bytes)");
    }

    @Test
    void theDatabaseSizeCountsTheKeyValuePairsAndTheTables() {
        assertThat(storage.databaseSize()).as("never written").isZero();
        java.util.Random random = new java.util.Random(1);
        byte[] value = new byte[50_000];
        random.nextBytes(value);
        storage.commit(new WriteBatch().put("k", value));
        long withValue = storage.databaseSize();
        assertThat(withValue).isGreaterThanOrEqualTo(50_000);
        byte[] blob = new byte[200_000];
        random.nextBytes(blob);
        storage.exec("CREATE TABLE t (b " + bytesType() + ")");
        storage.exec("INSERT INTO t (b) VALUES (?)", (Object) blob);
        assertThat(storage.databaseSize()).isGreaterThanOrEqualTo(withValue + 200_000);
    }

    @Test
    void anSqlErrorSaysWhat() {
        assertThatThrownBy(() -> storage.exec("SELECT * FROM nowhere")).isInstanceOf(StorageException.class)
                .hasMessageStartingWith("exec on Room/a1: ").hasMessageContaining("nowhere");
    }
}
