package dev.pier.workers.runtime.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectId;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.DurableObjectStorage;
import dev.pier.workers.DurableObjectStub;
import dev.pier.workers.Env;
import dev.pier.workers.ListOptions;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.SqlStorage;
import dev.pier.workers.SqlStorageCursor;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import dev.pier.workers.runtime.storage.ObjectRef;
import dev.pier.workers.runtime.storage.ObjectStorage;
import dev.pier.workers.runtime.storage.ObjectStore;
import dev.pier.workers.runtime.storage.SqlCursor;
import dev.pier.workers.runtime.storage.StorageException;
import dev.pier.workers.runtime.storage.StorageLimitException;
import dev.pier.workers.runtime.storage.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Durable Objects' SQL, transactions and {@code blockConcurrencyWhile}, through a namespace on a
 * real backend (a subclass per backend): an event's SQL and key-value writes are committed
 * together when it ends, before its answer and what it sent leave; an event that fails keeps
 * neither; transaction closures are savepoints; events that touch no storage open no transaction.
 * What is committed is read through a second store on the same data, as another node would.
 */
abstract class ObjectSqlTest {

    static final String NAMESPACE = "test.Scripted";

    /** An object that answers each request with the handler the test put under its path. */
    public static final class Scripted implements DurableObject {
        static final Map<String, Function<DurableObjectState, Object>> HANDLERS = new ConcurrentHashMap<>();
        static volatile Consumer<DurableObjectState> onConstruct = state -> {
        };
        static final AtomicInteger CONSTRUCTIONS = new AtomicInteger();

        private final DurableObjectState state;

        public Scripted(DurableObjectState state, Env env) {
            this.state = state;
            CONSTRUCTIONS.incrementAndGet();
            onConstruct.accept(state);
        }

        @Override
        public CompletionStage<Response> fetch(Request request) {
            Function<DurableObjectState, Object> handler = HANDLERS.get(request.path());
            if (handler == null) {
                throw new IllegalArgumentException("no handler for " + request.path());
            }
            Object answer = handler.apply(state);
            return CompletableFuture.completedFuture(answer instanceof Response r ? r : new Response(String.valueOf(answer)));
        }
    }

    /** A new, empty store. */
    protected abstract ObjectStore newStore() throws Exception;

    /** Another store on the data of the last {@link #newStore()}: another node, with connections of its own. */
    protected abstract ObjectStore sameData() throws Exception;

    /** Removes what the stores wrote, once they are closed. */
    protected void dropData() throws Exception {
    }

    ObservedStore store;
    ObjectStore other;
    LiveObjects live;
    Namespace objects;
    DurableObjectId id;
    DurableObjectStub object;

    @BeforeEach
    void open() throws Exception {
        Scripted.HANDLERS.clear();
        Scripted.onConstruct = state -> {
        };
        store = new ObservedStore(newStore());
        other = sameData();
        live = new LiveObjects(NAMESPACE, Scripted.class, Env.of(Map.of()), store, java.time.Duration.ofSeconds(10));
        objects = new Namespace(live);
        id = objects.idFromName("a");
        object = objects.get(id);
        on("/setup", state -> state.storage().sql().exec("CREATE TABLE notes (body TEXT NOT NULL)").rowsWritten());
        fetch("/setup");
        store.transactions.set(0);
        store.commits.set(0);
        store.commitReached = new CountDownLatch(1);
    }

    @AfterEach
    void close() throws Exception {
        live.close();
        store.close();
        other.close();
        dropData();
    }

    static void on(String path, Function<DurableObjectState, Object> handler) {
        Scripted.HANDLERS.put(path, handler);
    }

    String fetch(String path) {
        return object.fetch(Request.get("https://do" + path)).toCompletableFuture().join().text();
    }

    static void insert(DurableObjectState state, String body) {
        state.storage().sql().exec("INSERT INTO notes (body) VALUES (?)", body);
    }

    static List<String> notes(DurableObjectState state) {
        return state.storage().sql().exec("SELECT body FROM notes ORDER BY body").toList().stream()
                .map(row -> (String) row.get("body")).toList();
    }

    /** The notes committed, as another node reads them. */
    List<String> committedNotes() {
        return committed().exec("SELECT body FROM notes ORDER BY body").toList().stream().map(row -> (String) row.get("body")).toList();
    }

    /** The value committed under {@code key}, as another node reads it. */
    String committedKey(String key) {
        byte[] value = committed().get(key);
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    private ObjectStorage committed() {
        return other.open(NAMESPACE, id.toString());
    }

    // ---------------------------------------------------------------- the gates

    @Test
    void anEventsSqlAndKeyValueWritesAreCommittedTogetherBeforeItsAnswerLeaves() throws Exception {
        on("/add", state -> {
            insert(state, "hello");
            state.storage().putString("last", "hello");
            return "added";
        });
        store.holdCommits = new CountDownLatch(1);
        CompletableFuture<Response> answer = object.fetch(Request.get("https://do/add")).toCompletableFuture();
        assertThat(store.commitReached.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(50);
        assertThat(answer).as("answered before its writes are durable").isNotDone();
        assertThat(committedNotes()).as("the SQL write, before the event's commit").isEmpty();
        assertThat(committedKey("last")).as("the key-value write, before the event's commit").isNull();
        store.holdCommits.countDown();
        assertThat(answer.get(10, TimeUnit.SECONDS).text()).isEqualTo("added");
        assertThat(committedNotes()).containsExactly("hello");
        assertThat(committedKey("last")).isEqualTo("hello");
        assertThat(store.transactions).as("one transaction for the event, its key-value writes in it").hasValue(1);
        assertThat(store.commits).as("no commit of its own for the key-value writes").hasValue(0);
    }

    @Test
    void whatAnEventSendsOnAWebSocketLeavesOnlyOnceItsSqlWritesAreCommitted() throws Exception {
        on("/ws", state -> {
            WebSocketPair pair = new WebSocketPair();
            WebSocket server = pair.server();
            server.accept();
            server.addMessageListener(m -> {
                insert(state, m.text());
                server.send("stored " + m.text());
            });
            return Response.webSocket(pair.client());
        });
        WebSocket client = object.fetch(Request.get("https://do/ws")).toCompletableFuture().join().webSocket();
        BlockingQueue<String> toClient = new LinkedBlockingQueue<>();
        WebSocket.Host.attach(client, new WebSocket.Transport() {
            @Override
            public void send(String text) {
                toClient.add(text);
            }

            @Override
            public void send(byte[] bytes) {
                toClient.add("binary");
            }

            @Override
            public void close(int code, String reason) {
                toClient.add("close " + code);
            }
        });
        store.holdCommits = new CountDownLatch(1);
        WebSocket.Host.received(client, "m1");
        assertThat(store.commitReached.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(toClient.poll(100, TimeUnit.MILLISECONDS)).as("sent before the write is durable").isNull();
        assertThat(committedNotes()).isEmpty();
        store.holdCommits.countDown();
        assertThat(toClient.poll(10, TimeUnit.SECONDS)).isEqualTo("stored m1");
        assertThat(committedNotes()).containsExactly("m1");
    }

    @Test
    void anEventThatThrowsCommitsTheSqlAndKeyValueWritesItMadeBeforeAndTheObjectGoesOn() {
        fetchAdding("kept");
        on("/add-then-fail", state -> {
            insert(state, "written before the throw");
            state.storage().putString("written", "yes");
            throw new IllegalStateException("this event fails after its writes");
        });
        int constructed = Scripted.CONSTRUCTIONS.get();
        assertThatThrownBy(() -> fetch("/add-then-fail")).hasRootCauseMessage("this event fails after its writes");
        assertThat(committedNotes()).as("workerd's output gate does not undo them").containsExactly("kept", "written before the throw");
        assertThat(committedKey("written")).isEqualTo("yes");
        assertThat(Scripted.CONSTRUCTIONS.get()).as("the same instance").isEqualTo(constructed);
    }

    @Test
    void anEventThatAbortsKeepsNoneOfItsSqlAndKeyValueWrites() {
        fetchAdding("kept");
        on("/add-then-abort", state -> {
            insert(state, "lost");
            state.storage().putString("lost", "yes");
            try {
                state.abort("this event resets its object after its writes");
            } catch (IllegalStateException e) {
                return "caught, and it resets all the same";
            }
            return "not thrown";
        });
        int constructed = Scripted.CONSTRUCTIONS.get();
        assertThatThrownBy(() -> fetch("/add-then-abort")).hasRootCauseMessage("abort: this event resets its object after its writes");
        assertThat(committedNotes()).containsExactly("kept");
        assertThat(committedKey("lost")).isNull();
        on("/notes", state -> notes(state) + " lost=" + state.storage().getString("lost"));
        assertThat(fetch("/notes")).as("what the object itself finds").isEqualTo("[kept] lost=null");
        assertThat(Scripted.CONSTRUCTIONS.get()).as("constructed again after the reset").isEqualTo(constructed + 1);
    }

    @Test
    void aCommitThatFailsIsTheAnswerAndKeepsNeitherSqlNorKeyValueWrites() {
        store.failCommits = true;
        on("/add", state -> {
            insert(state, "lost");
            state.storage().putString("lost", "yes");
            return "added";
        });
        assertThatThrownBy(() -> fetch("/add")).hasRootCauseMessage("the disk is gone");
        store.failCommits = false;
        assertThat(committedNotes()).isEmpty();
        assertThat(committedKey("lost")).isNull();
        on("/notes", state -> notes(state));
        assertThat(fetch("/notes")).isEqualTo("[]");
    }

    @Test
    void anEventReadsItsOwnSqlAndKeyValueWrites() {
        on("/write-and-read", state -> {
            DurableObjectStorage storage = state.storage();
            insert(state, "a");
            storage.putString("k1", "v1");
            storage.sql().exec("UPDATE notes SET body = ? WHERE body = ?", "b", "a");
            insert(state, "c");
            storage.putString("k2", "v2");
            return notes(state) + " " + storage.getString("k1") + " " + storage.list(ListOptions.ALL).keySet();
        });
        assertThat(fetch("/write-and-read")).isEqualTo("[b, c] v1 [k1, k2]");
        assertThat(committedNotes()).containsExactly("b", "c");
    }

    @Test
    void eventsThatTouchNoStorageOpenNoTransaction() {
        on("/nothing", state -> "ok");
        on("/kv", state -> {
            state.storage().getString("k");
            state.storage().putString("k", "v");
            return "put";
        });
        on("/read", state -> state.storage().getString("k"));
        for (int i = 0; i < 3; i++) {
            assertThat(fetch("/nothing")).isEqualTo("ok");
        }
        assertThat(store.transactions).as("events that touch no storage").hasValue(0);
        assertThat(store.commits).hasValue(0);
        fetch("/kv");
        assertThat(fetch("/read")).isEqualTo("v");
        assertThat(store.transactions).as("events that read and put keys").hasValue(0);
        assertThat(store.commits).as("the put's one commit").hasValue(1);
        fetchAdding("x");
        assertThat(store.transactions).as("an event with SQL").hasValue(1);
    }

    // ---------------------------------------------------------------- transactions

    @Test
    void aTransactionSyncThatThrowsUndoesItsSqlKeyValueAndAlarmWritesAndTheEventGoesOn() {
        on("/tx", state -> {
            DurableObjectStorage storage = state.storage();
            insert(state, "before");
            storage.putString("before", "1");
            storage.setAlarm(4_000_000_000_000L);
            String caught;
            try {
                storage.transactionSync(() -> {
                    insert(state, "inside");
                    storage.putString("inside", "1");
                    storage.deleteAlarm();
                    assertThat(notes(state)).containsExactly("before", "inside");
                    throw new IllegalStateException("the closure failed");
                });
                caught = "nothing";
            } catch (IllegalStateException e) {
                caught = e.getMessage();
            }
            insert(state, "after");
            return caught + " " + notes(state) + " inside=" + storage.getString("inside") + " alarm=" + storage.getAlarm();
        });
        assertThat(fetch("/tx")).isEqualTo("the closure failed [after, before] inside=null alarm=4000000000000");
        assertThat(committedNotes()).containsExactly("after", "before");
        assertThat(committedKey("before")).isEqualTo("1");
        assertThat(committedKey("inside")).isNull();
        assertThat(committed().alarm()).isEqualTo(OptionalLong.of(4_000_000_000_000L));
    }

    @Test
    void aTransactionSyncReturnsItsValueAndItsWritesAreCommittedWithTheEvent() {
        on("/tx", state -> state.storage().transactionSync(() -> {
            insert(state, "inside");
            state.storage().putString("inside", "1");
            return "value";
        }));
        assertThat(fetch("/tx")).isEqualTo("value");
        assertThat(committedNotes()).containsExactly("inside");
        assertThat(committedKey("inside")).isEqualTo("1");
    }

    @Test
    void txnRollbackUndoesTheTransactionAtOnceAndTheClosureStillReturnsItsValue() {
        on("/tx", state -> {
            DurableObjectStorage storage = state.storage();
            String value = storage.transaction(txn -> {
                txn.putString("a", "1");
                insert(state, "rolled back");
                assertThat(txn.getString("a")).isEqualTo("1");
                txn.rollback();
                assertThatThrownBy(() -> txn.get("a")).isInstanceOf(IllegalStateException.class)
                        .hasMessageStartingWith("txn: its transaction has ended or was rolled back");
                assertThat(storage.getString("a")).as("undone at once").isNull();
                assertThat(notes(state)).isEmpty();
                storage.putString("after", "kept"); // the event's own, outside the rolled back transaction
                return "returned";
            });
            return value;
        });
        assertThat(fetch("/tx")).isEqualTo("returned");
        assertThat(committedNotes()).isEmpty();
        assertThat(committedKey("a")).isNull();
        assertThat(committedKey("after")).isEqualTo("kept");
    }

    @Test
    void aNestedTransactionThatThrowsUndoesOnlyItself() {
        on("/tx", state -> {
            DurableObjectStorage storage = state.storage();
            return storage.transaction(outer -> {
                outer.putString("outer", "1");
                insert(state, "outer");
                try {
                    storage.transaction(inner -> {
                        inner.putString("inner", "1");
                        insert(state, "inner");
                        assertThatThrownBy(outer::rollback).as("only the innermost transaction rolls back")
                                .hasMessageStartingWith("rollback: a transaction nested in this one is open");
                        throw new IllegalStateException("inner failed");
                    });
                } catch (IllegalStateException e) {
                    return e.getMessage() + " " + notes(state) + " inner=" + outer.getString("inner");
                }
                return "inner did not fail";
            });
        });
        assertThat(fetch("/tx")).isEqualTo("inner failed [outer] inner=null");
        assertThat(committedNotes()).containsExactly("outer");
        assertThat(committedKey("outer")).isEqualTo("1");
        assertThat(committedKey("inner")).isNull();
    }

    @Test
    void syncCommitsTheEventsWritesSoFarButNotInsideATransaction() {
        on("/sync", state -> {
            insert(state, "synced");
            state.storage().putString("synced", "1");
            state.storage().sync();
            assertThatThrownBy(() -> state.storage().transactionSync(() -> {
                state.storage().sync();
                return null;
            })).hasMessageStartingWith("sync: inside a transaction closure");
            insert(state, "lost");
            state.abort("resets after sync");
            return null;
        });
        assertThatThrownBy(() -> fetch("/sync")).hasRootCauseMessage("abort: resets after sync");
        assertThat(committedNotes()).containsExactly("synced");
        assertThat(committedKey("synced")).isEqualTo("1");
    }

    @Test
    void listSeesTheEventsWritesWithoutCommittingThem() {
        on("/list", state -> {
            state.storage().putString("a", "1");
            insert(state, "lost");
            state.storage().putString("b", "2");
            assertThat(state.storage().list(ListOptions.ALL).keySet()).containsExactly("a", "b");
            state.abort("resets after list");
            return null;
        });
        assertThatThrownBy(() -> fetch("/list")).hasRootCauseMessage("abort: resets after list");
        assertThat(committedKey("a")).isNull();
        assertThat(committedNotes()).isEmpty();
    }

    @Test
    void deleteAllIsInOrderWithTheEventsSql() {
        on("/reset", state -> {
            DurableObjectStorage storage = state.storage();
            insert(state, "old");
            storage.putString("old", "1");
            storage.deleteAll();
            assertThatThrownBy(() -> notes(state)).as("the tables made before deleteAll are gone").hasMessageContaining("notes");
            storage.sql().exec("CREATE TABLE fresh (n INTEGER)");
            storage.sql().exec("INSERT INTO fresh (n) VALUES (1)");
            storage.putString("new", "1");
            return storage.sql().exec("SELECT n FROM fresh").one().get("n");
        });
        assertThat(fetch("/reset")).isEqualTo("1");
        assertThat(committed().exec("SELECT n FROM fresh").one()).isEqualTo(Map.of("n", 1L));
        assertThatThrownBy(this::committedNotes).hasMessageContaining("notes");
        assertThat(committedKey("old")).isNull();
        assertThat(committedKey("new")).isEqualTo("1");
    }

    // ---------------------------------------------------------------- blockConcurrencyWhile

    @Test
    void blockConcurrencyWhileReturnsItsValueAndNoOtherEventIsDeliveredWhileItRuns() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        on("/block", state -> state.blockConcurrencyWhile(() -> {
            entered.countDown();
            assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            insert(state, "while blocked");
            return "blocked";
        }));
        on("/notes", state -> notes(state));
        CompletableFuture<Response> blocking = object.fetch(Request.get("https://do/block")).toCompletableFuture();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Response> next = object.fetch(Request.get("https://do/notes")).toCompletableFuture();
        Thread.sleep(100);
        assertThat(next).as("delivered while blockConcurrencyWhile ran").isNotDone();
        release.countDown();
        assertThat(blocking.get(10, TimeUnit.SECONDS).text()).isEqualTo("blocked");
        assertThat(next.get(10, TimeUnit.SECONDS).text()).isEqualTo("[while blocked]");
    }

    @Test
    void aConstructorLoadsItsStateInBlockConcurrencyWhile() {
        fetchAdding("one");
        fetchAdding("two");
        Map<DurableObjectId, Object> loaded = new ConcurrentHashMap<>();
        Scripted.onConstruct = state -> loaded.put(state.id(), state.blockConcurrencyWhile(() -> notes(state)));
        on("/reset", state -> {
            state.abort("constructed again next");
            return null;
        });
        on("/loaded", state -> loaded.get(state.id()));
        assertThatThrownBy(() -> fetch("/reset")).hasRootCauseMessage("abort: constructed again next");
        assertThat(fetch("/loaded")).isEqualTo("[one, two]");
    }

    @Test
    void aBlockConcurrencyWhileThatThrowsResetsTheObjectEvenWhenTheEventCatchesIt() {
        on("/block", state -> {
            insert(state, "lost");
            try {
                state.blockConcurrencyWhile(() -> {
                    throw new IOException("loading failed");
                });
            } catch (CompletionException e) {
                return "caught " + e.getCause().getMessage();
            }
            return "not thrown";
        });
        int constructed = Scripted.CONSTRUCTIONS.get();
        assertThatThrownBy(() -> fetch("/block")).hasMessageContaining("blockConcurrencyWhile: its callback threw, so the object is reset")
                .hasRootCauseMessage("loading failed");
        assertThat(committedNotes()).isEmpty();
        on("/notes", state -> notes(state));
        assertThat(fetch("/notes")).isEqualTo("[]");
        assertThat(Scripted.CONSTRUCTIONS.get()).as("constructed again").isEqualTo(constructed + 1);
    }

    @Test
    void anUncheckedExceptionOfBlockConcurrencyWhileIsRethrownAsItIs() {
        List<Throwable> caught = new ArrayList<>();
        on("/block", state -> {
            try {
                return state.blockConcurrencyWhile(() -> {
                    throw new IllegalArgumentException("bad state");
                });
            } catch (RuntimeException e) {
                caught.add(e);
                return "caught";
            }
        });
        assertThatThrownBy(() -> fetch("/block")).hasRootCauseMessage("bad state");
        assertThat(caught).singleElement().isInstanceOf(IllegalArgumentException.class).extracting(Throwable::getMessage).isEqualTo("bad state");
    }

    // ---------------------------------------------------------------- the SQL API

    @Test
    void theCursorHasCloudflaresShape() {
        on("/cursor", state -> {
            SqlStorage sql = state.storage().sql();
            long emptySize = sql.databaseSize();
            SqlStorageCursor insert = sql.exec("INSERT INTO notes (body) VALUES (?), (?)", "a", "b");
            assertThat(insert.rowsWritten()).isEqualTo(2);
            assertThat(insert.columnNames()).isEmpty();
            SqlStorageCursor rows = sql.exec("SELECT body, 7 AS n FROM notes ORDER BY body");
            assertThat(rows.columnNames()).containsExactly("body", "n");
            assertThat(rows.toList()).containsExactly(Map.of("body", "a", "n", 7L), Map.of("body", "b", "n", 7L));
            assertThat(rows.raw()).containsExactly(new Object[] {"a", 7L}, new Object[] {"b", 7L});
            assertThat(rows.rowsRead()).isEqualTo(2);
            List<Object> iterated = new ArrayList<>();
            rows.forEach(row -> iterated.add(row.get("body")));
            assertThat(iterated).containsExactly("a", "b");
            assertThatThrownBy(rows::one).hasMessage("Expected exactly one result from SQL query, but got multiple results.");
            assertThatThrownBy(() -> sql.exec("SELECT body FROM notes WHERE body = ?", "z").one())
                    .hasMessage("Expected exactly one result from SQL query, but got no results.");
            assertThat(sql.exec("SELECT body FROM notes WHERE body = ?", "b").one()).isEqualTo(Map.of("body", "b"));
            byte[] random = new byte[50_000];
            new java.util.Random(1).nextBytes(random);
            sql.exec("INSERT INTO notes (body) VALUES (?)", java.util.HexFormat.of().formatHex(random)); // not compressed away
            assertThat(sql.databaseSize()).as("grows with what is stored").isGreaterThan(emptySize);
            return "ok";
        });
        assertThat(fetch("/cursor")).isEqualTo("ok");
    }

    @Test
    void limitsRefusalsAndSqlErrorsAreClearErrorsAfterWhichTheEventGoesOn() {
        on("/errors", state -> {
            SqlStorage sql = state.storage().sql();
            assertThatThrownBy(() -> sql.exec("SELECT '" + "x".repeat(100_000) + "'")).isInstanceOf(StorageLimitException.class)
                    .hasMessage("sql: 100009 bytes (expected: at most 100000 bytes)");
            assertThatThrownBy(() -> sql.exec("SELECT 1", new Object[101])).isInstanceOf(StorageLimitException.class)
                    .hasMessage("bindings: 101 (expected: at most 100)");
            assertThatThrownBy(() -> sql.exec("BEGIN")).hasMessage("sql: BEGIN (expected: no transaction statements; use transaction())");
            assertThatThrownBy(() -> sql.exec("INSERT INTO nowhere (body) VALUES (1)")).isInstanceOf(StorageException.class)
                    .hasMessageContaining("nowhere");
            assertThatThrownBy(() -> sql.exec(null)).hasMessage("query: null (expected: SQL text)");
            insert(state, "after the errors"); // on PostgreSQL, a failed statement would abort the transaction without its savepoint
            return notes(state);
        });
        assertThat(fetch("/errors")).isEqualTo("[after the errors]");
        assertThat(committedNotes()).containsExactly("after the errors");
    }

    private void fetchAdding(String body) {
        on("/add-" + body, state -> {
            insert(state, body);
            return "added";
        });
        fetch("/add-" + body);
    }

    /**
     * The real store, observed: it counts the transactions and the commits made on an object's
     * storage (not those inside a transaction), and can hold or fail each just before its commit.
     */
    static final class ObservedStore implements ObjectStore {
        final ObjectStore real;
        final AtomicInteger transactions = new AtomicInteger();
        final AtomicInteger commits = new AtomicInteger();
        volatile CountDownLatch commitReached = new CountDownLatch(1);
        volatile CountDownLatch holdCommits;
        volatile boolean failCommits;

        ObservedStore(ObjectStore real) {
            this.real = real;
        }

        private void beforeCommit() {
            commitReached.countDown();
            try {
                if (holdCommits != null && !holdCommits.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("held too long");
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (failCommits) {
                throw new IllegalStateException("the disk is gone");
            }
        }

        @Override
        public ObjectStorage open(String namespace, String objectId) {
            return new ForwardingObjectStorage(real.open(namespace, objectId)) {
                @Override
                public void commit(WriteBatch batch) {
                    commits.incrementAndGet();
                    beforeCommit();
                    storage.commit(batch);
                }

                @Override
                public SqlCursor exec(String sql, Object... bindings) {
                    throw new AssertionError("an object's SQL runs in its event's transaction");
                }

                @Override
                public <T> T transaction(Function<ObjectStorage, T> work) {
                    transactions.incrementAndGet();
                    return storage.transaction(inside -> {
                        T result = work.apply(inside);
                        beforeCommit();
                        return result;
                    });
                }
            };
        }

        @Override
        public List<ObjectRef> dueAlarms(long nowMillis) {
            return real.dueAlarms(nowMillis);
        }

        @Override
        public void close() {
            real.close();
        }
    }
}
