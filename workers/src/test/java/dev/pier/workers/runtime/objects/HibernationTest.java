package dev.pier.workers.runtime.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.DurableObjectStub;
import dev.pier.workers.Env;
import dev.pier.workers.ErrorEvent;
import dev.pier.workers.MessageEvent;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import dev.pier.workers.WebSocketRequestResponsePair;
import dev.pier.workers.runtime.storage.ObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WebSocket Hibernation API on real storage, the edge played by transports that record what
 * a client would receive: objects evicted while their sockets stay open, woken by the next
 * message with their attachments, auto-responses answered without waking them, new code
 * deployed under open sockets.
 */
class HibernationTest {

    static final AtomicInteger CONSTRUCTIONS = new AtomicInteger();

    /**
     * A room: {@code /join/NAME/TAG} accepts a hibernatable socket tagged TAG, NAME its attachment.
     * Messages: "who" answers every member's name, "who:TAG" those tagged TAG, "sleep" runs for a
     * second, "boom" throws; anything else goes to every member as "NAME: text". A close is told to
     * the others, and answered with {@code ws.close(code, reason)} as in Cloudflare's example.
     */
    public static final class Room implements DurableObject {
        final DurableObjectState state;

        public Room(DurableObjectState state, Env env) {
            this.state = state;
            CONSTRUCTIONS.incrementAndGet();
        }

        @Override
        public CompletionStage<Response> fetch(Request request) {
            String[] path = request.path().split("/");
            if (path[1].equals("auto")) {
                state.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
                return CompletableFuture.completedFuture(new Response("set"));
            }
            if (path[1].equals("timeout")) {
                state.setHibernatableWebSocketEventTimeout(Duration.ofMillis(100));
                return CompletableFuture.completedFuture(new Response("set"));
            }
            WebSocketPair pair = new WebSocketPair();
            if (path[1].equals("plain")) { // a socket with listeners: it keeps the object in memory
                pair.server().accept();
                pair.server().addMessageListener(m -> pair.server().send("plain " + m.text()));
            } else {
                state.acceptWebSocket(pair.server(), path[3]);
                pair.server().serializeAttachmentText(path[2]);
            }
            return CompletableFuture.completedFuture(Response.webSocket(pair.client()));
        }

        @Override
        public void webSocketMessage(WebSocket ws, MessageEvent message) {
            String text = message.text();
            String name = ws.deserializeAttachmentText();
            switch (text.split(":")[0]) {
                case "who" -> {
                    List<WebSocket> members = text.contains(":") ? state.getWebSockets(text.split(":")[1]) : state.getWebSockets();
                    ws.send(String.join(",", members.stream().map(m -> m.deserializeAttachmentText() + "/"
                            + String.join("+", state.getTags(m))).toList()));
                }
                case "sleep" -> {
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException("interrupted", e);
                    }
                }
                case "boom" -> throw new IllegalStateException("a handler's bug");
                default -> state.getWebSockets().forEach(m -> m.send(name + ": " + text));
            }
        }

        @Override
        public void webSocketClose(WebSocket ws, int code, String reason, boolean wasClean) {
            state.storage().putString("closed", ws.deserializeAttachmentText() + " " + code + " " + reason + " " + wasClean);
            state.getWebSockets().forEach(m -> m.send("left " + ws.deserializeAttachmentText() + ", " + state.getWebSockets().size()
                    + " here"));
            ws.close(code, reason); // as Cloudflare's hibernation example does: it throws for a 1006, which no endpoint may send
        }

        @Override
        public void webSocketError(WebSocket ws, ErrorEvent error) {
            state.storage().putString("error", ws.deserializeAttachmentText() + " " + error.message());
        }
    }

    /** The next version of {@link Room}: it answers every message with its version. */
    public static final class RoomV2 implements DurableObject {
        final DurableObjectState state;

        public RoomV2(DurableObjectState state, Env env) {
            this.state = state;
        }

        @Override
        public CompletionStage<Response> fetch(Request request) {
            return CompletableFuture.completedFuture(new Response("v2"));
        }

        @Override
        public void webSocketMessage(WebSocket ws, MessageEvent message) {
            ws.send("v2 to " + ws.deserializeAttachmentText() + ": " + message.text());
        }
    }

    /** A client at the edge: what it receives, in order. */
    static final class Client implements WebSocket.Transport {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final WebSocket end;

        Client(WebSocket end) {
            this.end = end;
            WebSocket.Host.attach(end, this);
        }

        @Override
        public void send(String text) {
            received.add(text);
        }

        @Override
        public void send(byte[] bytes) {
            received.add("binary " + bytes.length);
        }

        @Override
        public void close(int code, String reason) {
            received.add("close " + code + " " + reason);
        }

        void say(String text) {
            WebSocket.Host.received(end, text);
        }

        String next() throws InterruptedException {
            String s = received.poll(10, TimeUnit.SECONDS);
            assertThat(s).as("a message within 10 s").isNotNull();
            return s;
        }
    }

    @TempDir
    Path dir;
    ObjectStore store;
    LiveObjects objects;
    DurableObjectStub room;

    @BeforeEach
    void start() {
        store = ObjectStore.sqlite(dir);
        objects = new LiveObjects("test.Room", Room.class, Env.of(Map.of()), store, Duration.ofMillis(200));
        Namespace rooms = new Namespace(objects);
        room = rooms.get(rooms.idFromName("lobby"));
    }

    @AfterEach
    void stop() {
        objects.close();
        store.close();
    }

    Client join(String name, String tag) {
        return new Client(room.fetch(Request.get("https://do/join/" + name + "/" + tag)).toCompletableFuture().join().webSocket());
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    @Test
    void anIdleObjectIsEvictedAndTheNextMessageWakesItWithEveryAttachmentAndTag() throws Exception {
        Client ada = join("ada", "red");
        Client bob = join("bob", "blue");
        ada.say("who");
        assertThat(ada.next()).isEqualTo("ada/red,bob/blue");
        int constructed = CONSTRUCTIONS.get();

        await(() -> objects.metrics().evictions() == 1, "evicted after 200 ms without an event");
        assertThat(objects.metrics().liveObjects()).isZero();
        assertThat(objects.metrics().hibernatedWebSockets()).isEqualTo(2);

        bob.say("who:red");
        assertThat(bob.next()).as("the woken object, from what the sockets kept").isEqualTo("ada/red");
        assertThat(CONSTRUCTIONS.get()).isEqualTo(constructed + 1);
        assertThat(objects.metrics().wakeUps()).isEqualTo(1);
        bob.say("hi");
        assertThat(ada.next()).isEqualTo("bob: hi");
        assertThat(bob.next()).isEqualTo("bob: hi");
    }

    @Test
    void anAutoResponseIsAnsweredWithoutConstructingTheObject() throws Exception {
        Client ada = join("ada", "red");
        room.fetch(Request.get("https://do/auto")).toCompletableFuture().join();
        await(() -> objects.metrics().evictions() == 1, "evicted");
        int constructed = CONSTRUCTIONS.get();
        for (int i = 0; i < 100; i++) {
            ada.say("ping");
            assertThat(ada.next()).isEqualTo("pong");
        }
        assertThat(CONSTRUCTIONS.get()).as("no construction for an auto-response").isEqualTo(constructed);
        assertThat(objects.metrics().liveObjects()).isZero();
        long before = System.currentTimeMillis();
        ada.say("ping");
        ada.next();
        ada.say("who");
        assertThat(ada.next()).isEqualTo("ada/red");
        assertThat(CONSTRUCTIONS.get()).as("any other message wakes it").isEqualTo(constructed + 1);
        DurableObjectState state = storageOf();
        assertThat(state.getWebSocketAutoResponseTimestamp(state.getWebSockets().getFirst()).toEpochMilli()).isGreaterThanOrEqualTo(before);
    }

    @Test
    void aSocketWithListenersKeepsItsObjectInMemory() throws Exception {
        Client plain = new Client(room.fetch(Request.get("https://do/plain")).toCompletableFuture().join().webSocket());
        Thread.sleep(800);
        assertThat(objects.metrics().evictions()).isZero();
        plain.say("still");
        assertThat(plain.next()).isEqualTo("plain still");
    }

    @Test
    void aCloseGoesToWebSocketCloseAndTheSocketLeavesTheObject() throws Exception {
        Client ada = join("ada", "red");
        Client bob = join("bob", "red");
        WebSocket.Host.closed(bob.end, 4000, "bye");
        assertThat(bob.next()).as("the close answered").isEqualTo("close 4000 bye");
        assertThat(ada.next()).isEqualTo("left bob, 1 here");
        WebSocket.Host.failed(ada.end, "reset by peer");
        await(() -> objects.metrics().webSockets() == 0, "no socket left");
        await(() -> objects.inMemory() == 0, "an object with no socket, idle, is forgotten");
        DurableObjectState state = storageOf();
        assertThat(state.storage().getString("closed")).isEqualTo("ada 1006  false");
        assertThat(state.storage().getString("error")).isEqualTo("ada reset by peer");
    }

    /** The lobby's state, from an instance of {@link Peek} deployed in its place. */
    private DurableObjectState storageOf() {
        objects.deploy(Peek.class, Env.of(Map.of()));
        room.fetch(Request.get("https://do/peek")).toCompletableFuture().join();
        return Peek.last;
    }

    /** Remembers its state, to read the object's storage in a test. */
    public static final class Peek implements DurableObject {
        static volatile DurableObjectState last;

        public Peek(DurableObjectState state, Env env) {
            last = state;
        }

        @Override
        public CompletionStage<Response> fetch(Request request) {
            return CompletableFuture.completedFuture(new Response("peeked"));
        }
    }

    @Test
    void aDeployKeepsHibernatableSocketsOpenAndTheirNextEventRunsTheNewCode() throws Exception {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            clients.add(join("c" + i, "all"));
        }
        assertThat(objects.metrics().liveObjects()).as("in memory at the deploy").isEqualTo(1);
        objects.deploy(RoomV2.class, Env.of(Map.of()));
        clients.get(7).say("hello");
        assertThat(clients.get(7).next()).as("it could hibernate: it did, at once").isEqualTo("v2 to c7: hello");
        clients.get(999).say("hello");
        assertThat(clients.get(999).next()).isEqualTo("v2 to c999: hello");
        for (Client c : clients) {
            assertThat(c.received).as("nothing closed").isEmpty();
        }
        assertThat(objects.metrics().webSockets()).isEqualTo(1_000);
    }

    @Test
    void anObjectWithASocketWithListenersGoesOnWithItsCodeAfterADeployUntilTheDelayThenResets() throws Exception {
        Client ada = join("ada", "red");
        Client plain = new Client(room.fetch(Request.get("https://do/plain")).toCompletableFuture().join().webSocket());
        long deployed = System.nanoTime();
        objects.deploy(RoomV2.class, Env.of(Map.of()), Duration.ofMillis(1_500));
        ada.say("still v1?");
        assertThat(ada.next()).as("it cannot hibernate: its code goes on, as Cloudflare's deferred update").isEqualTo("ada: still v1?");
        plain.say("and you?");
        assertThat(plain.next()).isEqualTo("plain and you?");
        assertThat(plain.next()).as("reset once the delay passed").isEqualTo("close 1012 the Durable Object's code was deployed again");
        assertThat(Duration.ofNanos(System.nanoTime() - deployed)).isGreaterThanOrEqualTo(Duration.ofMillis(1_500));
        ada.say("now?");
        assertThat(ada.next()).as("a hibernatable socket stays open, and its next event runs the new code").isEqualTo("v2 to ada: now?");
        assertThat(ada.received).isEmpty();
    }

    @Test
    void anObjectWhoseLastSocketWithListenersClosesAfterADeployHibernatesForTheNewCodeAtOnce() throws Exception {
        Client ada = join("ada", "red");
        Client plain = new Client(room.fetch(Request.get("https://do/plain")).toCompletableFuture().join().webSocket());
        objects.deploy(RoomV2.class, Env.of(Map.of()), Duration.ofHours(1));
        ada.say("one");
        assertThat(ada.next()).isEqualTo("ada: one");
        WebSocket.Host.closed(plain.end, 1000, "bye");
        assertThat(plain.next()).isEqualTo("close 1000 bye");
        await(() -> {
            ada.say("two");
            try {
                return ada.next().startsWith("v2");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, "the new code runs, long before the hour");
    }

    @Test
    void aDeployWithNoDelayResetsAnObjectWithASocketWithListenersAtOnce() throws Exception {
        Client ada = join("ada", "red");
        Client plain = new Client(room.fetch(Request.get("https://do/plain")).toCompletableFuture().join().webSocket());
        objects.deploy(RoomV2.class, Env.of(Map.of()), Duration.ZERO);
        assertThat(plain.next()).as("Cloudflare's immediate mode").isEqualTo("close 1012 the Durable Object's code was deployed again");
        ada.say("hello");
        assertThat(ada.next()).isEqualTo("v2 to ada: hello");
    }

    @Test
    void aHandlerThatRunsPastTheEventTimeoutFailsAndResetsTheObject() throws Exception {
        Client ada = join("ada", "red");
        room.fetch(Request.get("https://do/timeout")).toCompletableFuture().join();
        ada.say("sleep");
        assertThat(ada.next()).isEqualTo("close 1011 the Durable Object failed");
        assertThat(objects.metrics().resets()).isEqualTo(1);
        assertThat(objects.metrics().exceptions()).isZero();
    }

    @Test
    void aHandlerThatThrowsFailsItsEventAloneAndEveryMemberStays() throws Exception {
        Client ada = join("ada", "red");
        Client bob = join("bob", "red");
        int constructed = CONSTRUCTIONS.get();
        ada.say("boom");
        ada.say("still here");
        assertThat(ada.next()).as("the socket that threw goes on").isEqualTo("ada: still here");
        assertThat(bob.next()).isEqualTo("ada: still here");
        assertThat(CONSTRUCTIONS.get()).as("the same instance").isEqualTo(constructed);
        assertThat(objects.metrics().exceptions()).isEqualTo(1);
        assertThat(objects.metrics().resets()).isZero();
    }

    @Test
    void aCleanCloseIsAnsweredEvenWhenWebSocketCloseThrows() throws Exception {
        Client ada = join("ada", "red");
        Client bob = join("bob", "red");
        WebSocket.Host.closed(bob.end, 1005, ""); // a close frame without a code: the room's ws.close(1005, "") throws
        assertThat(bob.next()).as("the handshake answered all the same").isEqualTo("close 1000 ");
        assertThat(ada.next()).isEqualTo("left bob, 1 here");
        await(() -> objects.metrics().exceptions() == 1, "webSocketClose threw");
        assertThat(objects.metrics().webSockets()).isEqualTo(1);
    }

    @Test
    void aMemberThatDisconnectsAbruptlyLeavesTheOthersConnected() throws Exception {
        Client ada = join("ada", "red");
        Client bob = join("bob", "red");
        Client cy = join("cy", "blue");
        WebSocket.Host.failed(ada.end, "connection reset");
        assertThat(bob.next()).isEqualTo("left ada, 2 here");
        assertThat(cy.next()).isEqualTo("left ada, 2 here");
        await(() -> objects.metrics().exceptions() == 1, "webSocketClose's ws.close(1006) threw");
        bob.say("still here?");
        assertThat(bob.next()).isEqualTo("bob: still here?");
        assertThat(cy.next()).isEqualTo("bob: still here?");
        assertThat(bob.received).as("no close").isEmpty();
        assertThat(cy.received).as("no close").isEmpty();
        assertThat(objects.metrics().resets()).isZero();
        assertThat(objects.metrics().webSockets()).isEqualTo(2);
        DurableObjectState state = storageOf();
        assertThat(state.storage().getString("closed")).as("the handler's write before it threw is committed").isEqualTo(
                "ada 1006  false");
    }

    @Test
    void incomingMessagesAreBilledTwentyToARequest() throws Exception {
        Client ada = join("ada", "red");
        for (int i = 0; i < 40; i++) {
            ada.say("m" + i);
            ada.next();
        }
        assertThat(objects.metrics().requests()).isEqualTo(1);
        assertThat(objects.metrics().messagesIn()).isEqualTo(40);
        assertThat(objects.metrics().billedRequests()).isEqualTo(3.0);
    }

    @Test
    void limitsAreCloudflaresWithClearErrors() {
        DurableObjectState state = storageOf();
        WebSocket[] made = new WebSocket[1];
        WebSocket.Host.runIn((WebSocket.EventContext) state, () -> made[0] = new WebSocketPair().server());
        WebSocket ws = made[0];
        assertThatThrownBy(() -> state.acceptWebSocket(ws, "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"))
                .hasMessage("tags: 11 (expected: at most 10)");
        assertThatThrownBy(() -> state.acceptWebSocket(ws, "x".repeat(257)))
                .hasMessage("tag: 257 characters (expected: text of at most 256 characters)");
        assertThatThrownBy(() -> state.acceptWebSocket(new WebSocketPair().server()))
                .hasMessage("acceptWebSocket(): not the server end of a WebSocketPair this object made");
        state.acceptWebSocket(ws, "x".repeat(256));
        assertThatThrownBy(() -> state.acceptWebSocket(ws)).hasMessageContaining("accepted already");
        assertThatThrownBy(ws::accept).hasMessageContaining("hibernatable");
        assertThatThrownBy(() -> ws.serializeAttachment(new byte[16 * 1024 + 1]))
                .hasMessage("attachment: 16385 bytes (expected: at most 16384)");
        ws.serializeAttachment(new byte[16 * 1024]);
        assertThatThrownBy(() -> new WebSocketRequestResponsePair("x".repeat(2049), "y"))
                .hasMessage("request: 2049 characters (expected: at most 2048)");
        assertThatThrownBy(() -> state.setHibernatableWebSocketEventTimeout(Duration.ofDays(7).plusMillis(1)))
                .hasMessageContaining("at most PT168H");
        assertThatThrownBy(() -> state.getTags(new WebSocketPair().server()))
                .hasMessage("not a WebSocket this Durable Object accepted with acceptWebSocket()");
        WebSocket.Host.runIn((WebSocket.EventContext) state, () -> {
            for (int i = 1; i < DurableObjectState.MAX_WEBSOCKETS; i++) {
                new WebSocketPair();
            }
            assertThatThrownBy(WebSocketPair::new).hasMessage(
                    "this Durable Object holds 32768 WebSockets already (Cloudflare's limit)");
        });
    }
}
