package dev.pier.workers.runtime.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectException;
import dev.pier.workers.DurableObjectId;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.DurableObjectStub;
import dev.pier.workers.Env;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import dev.pier.workers.runtime.storage.ObjectRef;
import dev.pier.workers.runtime.storage.ObjectStorage;
import dev.pier.workers.runtime.storage.ObjectStore;
import dev.pier.workers.runtime.storage.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable Objects of one class on real SQLite storage: ids, one instance per id, and the input and output gates. */
class NamespaceTest {

    static final AtomicInteger CONSTRUCTIONS = new AtomicInteger();

    /** Adds one to a stored counter, slowly (a read, a pause, a write), and answers the new count; "/fail" fails after writing. */
    public static final class Counter implements DurableObject {
        private final DurableObjectState state;

        public Counter(DurableObjectState state, Env env) {
            this.state = state;
            CONSTRUCTIONS.incrementAndGet();
        }

        @Override
        public CompletionStage<Response> fetch(Request request) {
            String before = state.storage().getString("count");
            int count = before == null ? 0 : Integer.parseInt(before);
            try {
                Thread.sleep(2); // without the input gate, another event reads the same count meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            state.storage().putString("count", Integer.toString(count + 1));
            state.storage().putString("last", request.path());
            state.storage().putString("count-" + (count + 1), "seen");
            if (request.path().equals("/fail")) {
                throw new IllegalStateException("this event fails after its writes");
            }
            return CompletableFuture.completedFuture(new Response(Integer.toString(count + 1)));
        }
    }

    /**
     * Throws in its constructor when its name starts with "broken"; "/put" counts its requests in
     * memory and in storage, "/abort" writes and then calls {@code abort}.
     */
    public static final class Fragile implements DurableObject {
        private final DurableObjectState state;
        private int inMemory;

        public Fragile(DurableObjectState state, Env env) {
            if (state.id().name().startsWith("broken")) {
                throw new IllegalStateException("this one never constructs");
            }
            this.state = state;
        }

        @Override
        public CompletionStage<Response> fetch(Request request) {
            String stored = state.storage().getString("n");
            int n = stored == null ? 1 : Integer.parseInt(stored) + 1;
            state.storage().putString("n", Integer.toString(n));
            if (request.path().equals("/abort")) {
                state.abort("enough");
            }
            return CompletableFuture.completedFuture(new Response(++inMemory + " " + n));
        }
    }

    /** Echoes each message on a WebSocket it accepted; "boom" makes it throw. */
    public static final class Sockets implements DurableObject {
        public Sockets(DurableObjectState state, Env env) {
        }

        @Override
        public CompletionStage<Response> fetch(Request request) {
            WebSocketPair pair = new WebSocketPair();
            WebSocket server = pair.server();
            server.accept();
            server.addMessageListener(m -> {
                if (m.text().equals("boom")) {
                    throw new IllegalStateException("a listener's bug");
                }
                server.send("echo " + m.text());
            });
            return CompletableFuture.completedFuture(Response.webSocket(pair.client()));
        }
    }

    /** "/set/MILLIS" sets its alarm that far ahead ("/set-failing/MILLIS": its first run fails); "/count" tells how it went. */
    public static final class Alarmed implements DurableObject {
        private final DurableObjectState state;

        public Alarmed(DurableObjectState state, Env env) {
            this.state = state;
        }

        @Override
        public CompletionStage<Response> fetch(Request request) {
            String[] path = request.path().split("/");
            if (path[1].startsWith("set")) {
                state.storage().putString("fail-first", Boolean.toString(path[1].equals("set-failing")));
                state.storage().setAlarm(System.currentTimeMillis() + Long.parseLong(path[2]));
            }
            return CompletableFuture.completedFuture(new Response(state.storage().getString("alarms") + " retries="
                    + state.storage().getString("retries") + " alarm=" + (state.storage().getAlarm() == null ? "none" : "set")));
        }

        @Override
        public CompletionStage<Void> alarm(AlarmInfo info) {
            if (info.retryCount() == 0 && Boolean.parseBoolean(state.storage().getString("fail-first"))) {
                throw new IllegalStateException("the first run of this alarm fails");
            }
            String before = state.storage().getString("alarms");
            state.storage().putString("alarms", Integer.toString(before == null ? 1 : Integer.parseInt(before) + 1));
            state.storage().putString("retries", Integer.toString(info.retryCount()));
            return CompletableFuture.completedFuture(null);
        }
    }

    @TempDir
    Path dir;

    CountingStore store;
    Namespace counters;

    @AfterEach
    void close() {
        if (objects != null) {
            objects.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /** The objects last started by {@link #namespace}. */
    LiveObjects objects;

    Namespace namespace(String name, Class<?> type, ObjectStore in) {
        objects = new LiveObjects(name, type, Env.of(Map.of()), in, java.time.Duration.ofSeconds(10));
        return new Namespace(objects);
    }

    Namespace counters() {
        store = new CountingStore(ObjectStore.sqlite(dir));
        counters = namespace("test.Counter", Counter.class, store);
        return counters;
    }

    @Test
    void idsFromTheSameNameAreTheSameObjectAndUniqueIdsDiffer() {
        Namespace ns = counters();
        assertThat(ns.idFromName("lobby")).isEqualTo(ns.idFromName("lobby")).isNotEqualTo(ns.idFromName("kitchen"));
        assertThat(ns.idFromName("lobby").name()).isEqualTo("lobby");
        DurableObjectId unique = ns.newUniqueId();
        assertThat(ns.idFromString(unique.toString())).isEqualTo(unique);
        assertThat(ns.newUniqueId()).isNotEqualTo(unique);
        assertThatThrownBy(() -> ns.idFromString("nope")).hasMessage("id: 'nope' (expected: 64 lower-case hex digits)");
        assertThat(namespace("other.Counter", Counter.class, store).idFromName("lobby"))
                .as("another namespace's object of the same name").isNotEqualTo(ns.idFromName("lobby"));
    }

    @Test
    void theInputGateDeliversOneEventAtATimeSoNoUpdateIsLost() {
        DurableObjectStub lobby = counters().get(counters.idFromName("lobby"));
        List<CompletableFuture<Response>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            answers.add(lobby.fetch(Request.get("https://do/inc")).toCompletableFuture());
        }
        List<String> counts = answers.stream().map(a -> a.join().text()).toList();
        assertThat(counts).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, 50).mapToObj(Integer::toString)
                .toList());
        assertThat(objects.inMemory()).isEqualTo(1);
    }

    @Test
    void theOutputGateHoldsTheAnswerUntilTheEventsWritesAreCommittedInOneCommit() throws Exception {
        DurableObjectStub lobby = counters().get(counters.idFromName("lobby"));
        store.holdCommits = new CountDownLatch(1);
        CompletableFuture<Response> answer = lobby.fetch(Request.get("https://do/inc")).toCompletableFuture();
        assertThat(store.commitStarted.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(50);
        assertThat(answer).as("answered before its writes are durable").isNotDone();
        store.holdCommits.countDown();
        assertThat(answer.get(10, TimeUnit.SECONDS).text()).isEqualTo("1");
        assertThat(store.commits).as("three writes, one commit").hasValue(1);
    }

    @Test
    void aFailedCommitIsTheAnswerAndNothingOfTheEventIsKept() {
        DurableObjectStub lobby = counters().get(counters.idFromName("lobby"));
        assertThat(lobby.fetch(Request.get("https://do/inc")).toCompletableFuture().join().text()).isEqualTo("1");
        store.failCommits = true;
        assertThatThrownBy(() -> lobby.fetch(Request.get("https://do/inc")).toCompletableFuture().join())
                .hasRootCauseMessage("the disk is gone");
        store.failCommits = false;
        assertThat(lobby.fetch(Request.get("https://do/inc")).toCompletableFuture().join().text()).as("the lost event's count")
                .isEqualTo("2");
    }

    @Test
    void anEventThatThrowsFailsItsCallerAloneAndWhatItWroteBeforeTheThrowIsCommitted() {
        DurableObjectStub lobby = counters().get(counters.idFromName("lobby"));
        lobby.fetch(Request.get("https://do/inc")).toCompletableFuture().join();
        int constructed = CONSTRUCTIONS.get();
        CompletableFuture<Response> failed = lobby.fetch(Request.get("https://do/fail")).toCompletableFuture();
        assertThatThrownBy(failed::join).cause().isInstanceOf(DurableObjectException.class)
                .hasMessage("this event fails after its writes")
                .hasCauseInstanceOf(IllegalStateException.class)
                .satisfies(e -> assertThat(((DurableObjectException) e).isDurableObjectReset()).isFalse());
        assertThat(lobby.fetch(Request.get("https://do/inc")).toCompletableFuture().join().text()).as("the failed event's count was kept")
                .isEqualTo("3");
        assertThat(CONSTRUCTIONS.get()).as("the same instance").isEqualTo(constructed);
        assertThat(objects.metrics().exceptions()).isEqualTo(1);
        assertThat(objects.metrics().resets()).isZero();
    }

    @Test
    void aConstructorThatThrowsResetsTheObjectAndTheCallerIsToldSo() {
        store = new CountingStore(ObjectStore.sqlite(dir));
        Namespace fragile = namespace("test.Fragile", Fragile.class, store);
        DurableObjectStub broken = fragile.get(fragile.idFromName("broken"));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> broken.fetch(Request.get("https://do/")).toCompletableFuture().join()).cause()
                    .isInstanceOf(DurableObjectException.class).hasMessage("this one never constructs")
                    .satisfies(e -> assertThat(((DurableObjectException) e).isDurableObjectReset()).isTrue());
        }
        assertThat(objects.metrics().resets()).as("constructed again, and it threw again").isEqualTo(2);
    }

    @Test
    void abortResetsTheObjectAndDropsTheEventsWrites() {
        store = new CountingStore(ObjectStore.sqlite(dir));
        Namespace fragile = namespace("test.Fragile", Fragile.class, store);
        DurableObjectStub box = fragile.get(fragile.idFromName("box"));
        assertThat(box.fetch(Request.get("https://do/put")).toCompletableFuture().join().text()).isEqualTo("1 1");
        assertThatThrownBy(() -> box.fetch(Request.get("https://do/abort")).toCompletableFuture().join()).cause()
                .isInstanceOf(DurableObjectException.class).hasMessage("abort: enough")
                .satisfies(e -> assertThat(((DurableObjectException) e).isDurableObjectReset()).isTrue());
        assertThat(box.fetch(Request.get("https://do/put")).toCompletableFuture().join().text())
                .as("a new instance (its count from 0), and the aborted event's write dropped").isEqualTo("1 2");
    }

    @Test
    void whatAnObjectCommittedIsWhatItFindsAfterARestart() {
        counters().get(counters.idFromName("lobby")).fetch(Request.get("https://do/inc")).toCompletableFuture().join();
        counters.get(counters.idFromName("lobby")).fetch(Request.get("https://do/inc")).toCompletableFuture().join();
        store.close();
        store = new CountingStore(ObjectStore.sqlite(dir));
        Namespace again = namespace("test.Counter", Counter.class, store);
        assertThat(again.get(again.idFromName("lobby")).fetch(Request.get("https://do/inc")).toCompletableFuture().join().text())
                .isEqualTo("3");
    }

    @Test
    void aListenerThatThrowsFailsItsEventAloneAndItsSocketStaysOpen() throws Exception {
        store = new CountingStore(ObjectStore.sqlite(dir));
        Namespace sockets = namespace("test.Sockets", Sockets.class, store);
        WebSocket client = sockets.get(sockets.idFromName("a")).fetch(Request.get("https://do/ws")).toCompletableFuture().join()
                .webSocket();
        java.util.concurrent.BlockingQueue<String> toClient = new java.util.concurrent.LinkedBlockingQueue<>();
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
                toClient.add("close " + code + " " + reason);
            }
        });
        WebSocket.Host.received(client, "hi");
        assertThat(toClient.poll(10, TimeUnit.SECONDS)).isEqualTo("echo hi");
        WebSocket.Host.received(client, "boom");
        WebSocket.Host.received(client, "after");
        assertThat(toClient.poll(10, TimeUnit.SECONDS)).as("the socket goes on after its listener threw").isEqualTo("echo after");
    }

    @Test
    void anAlarmGoesOffAtItsTimeAndIsThenDeleted() throws Exception {
        store = new CountingStore(ObjectStore.sqlite(dir));
        Namespace alarmed = namespace("test.Alarmed", Alarmed.class, store);
        DurableObjectStub a = alarmed.get(alarmed.idFromName("a"));
        assertThat(text(a, "/set/100")).isEqualTo("null retries=null alarm=set");
        assertThat(await(a, "1 retries=0 alarm=none")).isTrue();
    }

    @Test
    void anAlarmSetBeforeARestartGoesOffAfterIt() throws Exception {
        store = new CountingStore(ObjectStore.sqlite(dir));
        Namespace before = namespace("test.Alarmed", Alarmed.class, store);
        text(before.get(before.idFromName("a")), "/set/1000");
        objects.close();
        store.close();
        store = new CountingStore(ObjectStore.sqlite(dir)); // a new process: only what is stored
        Namespace after = namespace("test.Alarmed", Alarmed.class, store);
        assertThat(objects.inMemory()).as("the stored alarm's object, scheduled before any request").isEqualTo(1);
        assertThat(await(after.get(after.idFromName("a")), "1 retries=0 alarm=none")).isTrue();
    }

    @Test
    void aFailedAlarmRunsAgainWithItsRetryCount() throws Exception {
        store = new CountingStore(ObjectStore.sqlite(dir));
        Namespace alarmed = namespace("test.Alarmed", Alarmed.class, store);
        DurableObjectStub a = alarmed.get(alarmed.idFromName("a"));
        text(a, "/set-failing/50");
        assertThat(await(a, "1 retries=1 alarm=none")).as("run again 2 s after the failure").isTrue();
    }

    private static String text(DurableObjectStub stub, String path) {
        return stub.fetch(Request.get("https://do" + path)).toCompletableFuture().join().text();
    }

    /** Whether the object answers {@code expected} within 10 s. */
    private static boolean await(DurableObjectStub stub, String expected) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (text(stub, "/count").equals(expected)) {
                return true;
            }
            Thread.sleep(50);
        }
        System.err.println("last answer: " + text(stub, "/count"));
        return false;
    }

    @Test
    void aClassThatIsNotADurableObjectIsRefused() {
        assertThatThrownBy(() -> namespace("x", String.class, ObjectStore.sqlite(dir)))
                .hasMessage("java.lang.String does not implement dev.pier.workers.DurableObject");
    }

    /** Real storage that counts commits, and can hold them back or fail them. */
    static final class CountingStore implements ObjectStore {
        final ObjectStore real;
        final AtomicInteger commits = new AtomicInteger();
        final CountDownLatch commitStarted = new CountDownLatch(1);
        volatile CountDownLatch holdCommits;
        volatile boolean failCommits;

        CountingStore(ObjectStore real) {
            this.real = real;
        }

        @Override
        public ObjectStorage open(String namespace, String objectId) {
            return new ForwardingObjectStorage(real.open(namespace, objectId)) {
                @Override
                public void commit(WriteBatch batch) {
                    commitStarted.countDown();
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
                    storage.commit(batch);
                    commits.incrementAndGet();
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
