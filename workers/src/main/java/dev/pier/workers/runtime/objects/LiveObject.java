package dev.pier.workers.runtime.objects;

import dev.pier.workers.CloseEvent;
import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectId;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.DurableObjectStorage;
import dev.pier.workers.ErrorEvent;
import dev.pier.workers.MessageEvent;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketRequestResponsePair;
import dev.pier.workers.runtime.storage.ObjectStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One Durable Object in memory: its instance (constructed on its first event, and again after an
 * eviction or a failure), its storage, its WebSockets, and its events, run one at a time on a
 * thread of its own.
 *
 * <p>The gates, as workerd's: an event runs to the end of its stage before the next is delivered
 * (input gate; stricter than Cloudflare, which lets another event in while one awaits something
 * that is not storage), and what it answers or sends is released only once its writes are
 * committed (output gate); when the commit fails, the answer is the failure and nothing of the
 * event is kept. An event that throws also resets the object: its WebSockets close with 1011, and
 * its instance is constructed again on the next event and finds in storage only what earlier
 * events committed.
 *
 * <p>A WebSocket pair made during an event belongs to the object: what the client sends on it is
 * the object's next event, and what the object sends on it leaves with the event's output. One
 * the object accepted with {@link #acceptWebSocket} is hibernatable: it outlives the instance, so
 * an idle object is evicted while its hibernatable WebSockets stay open, and their next event
 * constructs it again.
 */
final class LiveObject implements DurableObjectState, WebSocket.EventContext {

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(LiveObject.class);
    /** The first retry of a failed alarm waits this long; each next one twice as long. */
    private static final long ALARM_RETRY_MILLIS = 2_000;

    private final DurableObjectId id;
    private final LiveObjects home;
    private final EventStorage storage;
    private final Executor threads;
    /** Events waiting for the one running; guarded by itself, as are {@link #running} and {@link #forgotten}. */
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean running;
    /** Nothing of the object is left in memory: events go to the one its namespace starts next. */
    private boolean forgotten;
    private DurableObject instance;
    /** The instance was evicted (or the code deployed anew): its next construction is a wake-up. */
    private boolean evicted;
    /** What the running event sent on its WebSockets, held until its writes are committed; only the object's thread touches it. */
    private final List<Runnable> held = new ArrayList<>();
    /** The open server ends of the pairs this object made, in the order made; only the object's thread touches it. */
    private final Set<WebSocket> sockets = new LinkedHashSet<>();
    /** How many of {@link #sockets} are hibernatable, and how many sockets in all, for the threads that only count. */
    private volatile int hibernatable;
    private volatile int open;
    private volatile boolean hasInstance;
    /** When the last event ended ({@link System#nanoTime()}). */
    private volatile long idleSince = System.nanoTime();
    private volatile WebSocketRequestResponsePair autoResponse;
    private Duration eventTimeout;
    /** When the stored alarm goes off; null while none is set. */
    private ScheduledFuture<?> alarmTimer;

    LiveObject(DurableObjectId id, LiveObjects home, ObjectStorage durable, Executor threads) {
        this.id = id;
        this.home = home;
        this.storage = new EventStorage(durable);
        this.threads = threads;
    }

    @Override
    public DurableObjectId id() {
        return id;
    }

    @Override
    public DurableObjectStorage storage() {
        return storage;
    }

    @Override
    public <T> T blockConcurrencyWhile(java.util.concurrent.Callable<T> callback) {
        return BlockConcurrency.run(callback, storage);
    }

    /**
     * Delivers a request to the object, after the events before it; completes once its writes
     * are committed. Null when the object was forgotten meanwhile (its namespace starts it again).
     */
    CompletableFuture<Response> fetch(Request request) {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        boolean queued = submit(() -> {
            Response[] response = new Response[1];
            Throwable failed = run(() -> response[0] = object().fetch(request).toCompletableFuture().join());
            if (failed == null) {
                answer.complete(response[0]);
            } else {
                answer.completeExceptionally(failed instanceof CompletionException && failed.getCause() != null ? failed.getCause() : failed);
            }
        });
        return queued ? answer : null;
    }

    /** An event of one of this object's server ends: the object's next event. Such an object is never forgotten. */
    @Override
    public void deliver(Runnable event, boolean message) {
        if (message) {
            home.metrics().messagesIn.increment();
        }
        submit(() -> run(event));
    }

    @Override
    public void hold(Runnable send) {
        held.add(send);
    }

    @Override
    public void adopt(WebSocket serverEnd) {
        if (sockets.size() >= MAX_WEBSOCKETS) {
            throw new IllegalStateException("this Durable Object holds " + MAX_WEBSOCKETS + " WebSockets already (Cloudflare's limit)");
        }
        sockets.add(serverEnd);
        open = sockets.size();
    }

    @Override
    public void released(WebSocket serverEnd) {
        if (sockets.remove(serverEnd)) {
            if (WebSocket.Host.isHibernatable(serverEnd)) {
                hibernatable--;
            }
            open = sockets.size();
        }
    }

    // The Hibernation API

    @Override
    public void acceptWebSocket(WebSocket ws, String... tags) {
        String[] checked = tags == null ? new String[0] : tags.clone();
        if (checked.length > MAX_TAGS) {
            throw new IllegalArgumentException("tags: " + checked.length + " (expected: at most " + MAX_TAGS + ")");
        }
        for (String tag : checked) {
            if (tag == null || tag.length() > MAX_TAG_LENGTH) {
                throw new IllegalArgumentException("tag: " + (tag == null ? "null" : tag.length() + " characters")
                        + " (expected: text of at most " + MAX_TAG_LENGTH + " characters)");
            }
        }
        WebSocket.Host.hibernatable(ws, this, checked);
        hibernatable++;
    }

    @Override
    public List<WebSocket> getWebSockets() {
        return getWebSockets(null);
    }

    @Override
    public List<WebSocket> getWebSockets(String tag) {
        List<WebSocket> out = new ArrayList<>();
        for (WebSocket ws : sockets) {
            if (WebSocket.Host.isHibernatable(ws) && ws.readyState() == WebSocket.OPEN && (tag == null || WebSocket.Host.hasTag(ws, tag))) {
                out.add(ws);
            }
        }
        return out;
    }

    @Override
    public List<String> getTags(WebSocket ws) {
        return WebSocket.Host.tags(mine(ws));
    }

    @Override
    public void setWebSocketAutoResponse(WebSocketRequestResponsePair pair) {
        autoResponse = pair;
    }

    @Override
    public WebSocketRequestResponsePair getWebSocketAutoResponse() {
        return autoResponse;
    }

    @Override
    public Instant getWebSocketAutoResponseTimestamp(WebSocket ws) {
        long at = WebSocket.Host.autoResponseMillis(mine(ws));
        return at == 0 ? null : Instant.ofEpochMilli(at);
    }

    @Override
    public void setHibernatableWebSocketEventTimeout(Duration timeout) {
        if (timeout != null && (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_EVENT_TIMEOUT) > 0)) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: more than 0, at most " + MAX_EVENT_TIMEOUT + ")");
        }
        eventTimeout = timeout;
    }

    @Override
    public Duration getHibernatableWebSocketEventTimeout() {
        return eventTimeout;
    }

    private WebSocket mine(WebSocket ws) {
        if (WebSocket.Host.owner(ws) != this || !WebSocket.Host.isHibernatable(ws)) {
            throw new IllegalArgumentException("not a WebSocket this Durable Object accepted with acceptWebSocket()");
        }
        return ws;
    }

    @Override
    public String autoResponse(String message) {
        WebSocketRequestResponsePair pair = autoResponse;
        return pair != null && pair.request().equals(message) ? pair.response() : null;
    }

    @Override
    public void webSocketMessage(WebSocket ws, MessageEvent message) {
        timed(() -> object().webSocketMessage(ws, message));
    }

    @Override
    public void webSocketClose(WebSocket ws, CloseEvent close) {
        timed(() -> object().webSocketClose(ws, close.code(), close.reason(), close.wasClean()));
    }

    @Override
    public void webSocketError(WebSocket ws, ErrorEvent error) {
        timed(() -> object().webSocketError(ws, error));
    }

    /** Runs a hibernatable WebSocket's handler within the object's event time limit, if it set one. */
    private void timed(Runnable handler) {
        Duration limit = eventTimeout;
        if (limit == null) {
            handler.run();
            return;
        }
        Thread thread = Thread.currentThread();
        boolean[] late = new boolean[1];
        ScheduledFuture<?> timer = LiveObjects.TIMERS.schedule(() -> {
            late[0] = true;
            thread.interrupt();
        }, limit.toNanos(), TimeUnit.NANOSECONDS);
        try {
            handler.run();
        } finally {
            timer.cancel(false);
            Thread.interrupted(); // the thread runs the object's next events: no interrupt may be left for them
        }
        if (late[0]) {
            throw new IllegalStateException("the WebSocket event ran past the object's hibernatable event timeout of " + limit);
        }
    }

    // Events

    /**
     * Runs one event: its pairs belong to this object, its writes are committed when it ends, and
     * only then does what it sent leave; null when it succeeded, else why it failed (the event is
     * undone and the object reset).
     */
    private Throwable run(Runnable event) {
        held.clear();
        try {
            WebSocket.Host.runIn(this, event);
            storage.sync(); // the output gate: nothing the event sent or answers leaves before its writes are durable
        } catch (Throwable e) {
            held.clear();
            reset(e);
            return e;
        } finally {
            idleSince = System.nanoTime();
        }
        for (Runnable send : held) { // outside the event: these leave now, they are not held again
            send.run();
        }
        held.clear();
        Long alarm = storage.takeAlarmChange();
        if (alarm != null) {
            if (alarm == EventStorage.NO_ALARM) {
                cancelAlarm();
            } else {
                scheduleAlarm(alarm, 0);
            }
        }
        return null;
    }

    private DurableObject object() {
        if (instance == null) {
            instance = home.type().construct(this);
            hasInstance = true;
            home.metrics().constructions.increment();
            if (evicted) {
                evicted = false;
                home.metrics().wakeUps.increment();
            }
        }
        return instance;
    }

    /** The object failed: what its event wrote is dropped, its WebSockets close with 1011, and it is constructed again on its next event. */
    private void reset(Throwable cause) {
        logger.error("Durable Object {} of {} failed an event; it starts again on the next one", id, home.name(), cause);
        home.metrics().errors.increment();
        storage.discard();
        dropInstance();
        for (WebSocket socket : sockets) {
            WebSocket.Host.terminate(socket, 1011, "the Durable Object failed");
        }
        sockets.clear();
        hibernatable = 0;
        open = 0;
    }

    private void dropInstance() {
        instance = null;
        hasInstance = false;
    }

    boolean hasInstance() {
        return hasInstance;
    }

    int hibernatableSockets() {
        return hibernatable;
    }

    // Eviction

    /**
     * Evicts the instance if no event ran since {@code idleSince} and every WebSocket it holds is
     * hibernatable; forgets the object when it holds none. Called by the namespace's sweeper.
     */
    void evictIfIdleSince(long since) {
        if (idleSince - since > 0 || open != hibernatable || (!hasInstance && open > 0)) {
            return;
        }
        submit(() -> {
            if (idleSince - since > 0 || sockets.size() != hibernatable) {
                return; // an event came first
            }
            if (instance != null) {
                dropInstance();
                evicted = true;
                home.metrics().evictions.increment();
            }
            if (sockets.isEmpty()) {
                forgetIfIdle();
            }
        });
    }

    /** Nothing is left to keep in memory: the object leaves it, unless an event is waiting. */
    private void forgetIfIdle() {
        synchronized (queue) {
            if (!queue.isEmpty()) {
                return;
            }
            forgotten = true;
        }
        home.forget(this); // an alarm timer still set goes through the namespace, to whoever starts the object next
    }

    /**
     * New code was deployed: once the running event ends, the instance is dropped and every
     * WebSocket other than a hibernatable one closes with 1012; the next event constructs the new code.
     */
    void redeployed() {
        submit(() -> {
            if (instance != null) {
                dropInstance();
                evicted = true;
            }
            for (WebSocket socket : List.copyOf(sockets)) {
                if (!WebSocket.Host.isHibernatable(socket)) {
                    WebSocket.Host.terminate(socket, 1012, "the Durable Object's code was deployed again");
                    sockets.remove(socket);
                }
            }
            open = sockets.size();
        });
    }

    // Alarms

    /** Sets the timer to the alarm in storage, if there is one: after a restart, or once the object is started again. */
    void scheduleStoredAlarm() {
        Long alarm = storage.getAlarm();
        if (alarm != null) {
            scheduleAlarm(alarm, 0);
        }
    }

    private synchronized void scheduleAlarm(long epochMillis, int retry) {
        cancelAlarm();
        long delay = Math.max(0, epochMillis - System.currentTimeMillis());
        alarmTimer = LiveObjects.TIMERS.schedule(() -> home.alarm(id, epochMillis, retry), delay, TimeUnit.MILLISECONDS);
    }

    synchronized void cancelAlarm() {
        if (alarmTimer != null) {
            alarmTimer.cancel(false);
            alarmTimer = null;
        }
    }

    /** Queues the alarm's event; false when the object was forgotten meanwhile. */
    boolean alarm(long epochMillis, int retry) {
        return submit(() -> fireAlarm(epochMillis, retry));
    }

    /**
     * The alarm set for {@code epochMillis} went off: {@code alarm()} runs as an event, and when it
     * succeeds the alarm is deleted (unless it set another); when it fails it runs again later.
     */
    private void fireAlarm(long epochMillis, int retry) {
        Long stored = storage.getAlarm();
        if (stored == null || stored != epochMillis) {
            return; // changed since: the new time has a timer of its own
        }
        Throwable failed = run(() -> {
            object().alarm(new DurableObject.AlarmInfo(retry)).toCompletableFuture().join();
            Long now = storage.getAlarm();
            if (now != null && now == epochMillis) {
                storage.deleteAlarm();
            }
        });
        if (failed != null && retry < DurableObject.ALARM_RETRIES) {
            synchronized (this) {
                cancelAlarm();
                alarmTimer = LiveObjects.TIMERS.schedule(() -> home.alarm(id, epochMillis, retry + 1),
                        ALARM_RETRY_MILLIS << retry, TimeUnit.MILLISECONDS);
            }
        }
    }

    // The queue

    /** Queues an event; false when the object was forgotten (the event did not run, and will not). */
    private boolean submit(Runnable event) {
        synchronized (queue) {
            if (forgotten) {
                return false;
            }
            if (running) {
                queue.add(event);
                return true;
            }
            running = true;
        }
        threads.execute(() -> drain(event));
        return true;
    }

    /** Runs events one after the other until none waits. */
    private void drain(Runnable first) {
        Runnable next = first;
        while (next != null) {
            next.run();
            synchronized (queue) {
                next = queue.poll();
                if (next == null) {
                    running = false;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Durable Object " + id + " of " + home.name() + (hasInstance ? "" : " (evicted)");
    }
}
