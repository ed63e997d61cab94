package dev.pier.workers.runtime.objects;

import dev.pier.workers.CloseEvent;
import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectException;
import dev.pier.workers.DurableObjectId;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.DurableObjectStorage;
import dev.pier.workers.ErrorEvent;
import dev.pier.workers.MessageEvent;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketRequestResponsePair;
import dev.pier.workers.runtime.storage.LeaseLostException;
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
 * committed (output gate), whether its code returned or threw.
 *
 * <p>Failures, as Cloudflare's: an event that throws fails alone. Its writes so far are committed,
 * what it sent leaves, and the instance and its WebSockets stay; a request's exception goes to the
 * caller, a WebSocket event's is logged, an alarm's makes the alarm run again. A failure that
 * cannot be trusted to leave the object whole resets it ({@link ObjectReset#resets}, or a commit
 * that fails): the event keeps none of its writes, the object's WebSockets close with 1011, and its
 * instance is constructed again on the next event and finds in storage only what was committed.
 *
 * <p>A WebSocket pair made during an event belongs to the object: what the client sends on it is
 * the object's next event, and what the object sends on it leaves with the event's output. One
 * the object accepted with {@link #acceptWebSocket} is hibernatable: it outlives the instance, so
 * an idle object is evicted while its hibernatable WebSockets stay open, and their next event
 * constructs it again.
 *
 * <p>Its first event claims it for this node ({@link Ownership}). When another node runs it, or
 * this node lost it to another, its events do not run here: its requests go to its namespace,
 * which sends them on, and it leaves memory at once. One node alone claims every object at no cost.
 */
final class LiveObject implements DurableObjectState, WebSocket.EventContext {

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(LiveObject.class);
    /** The first retry of a failed alarm waits this long; each next one twice as long. */
    private static final long ALARM_RETRY_MILLIS = 2_000;

    private final DurableObjectId id;
    private final LiveObjects home;
    /** The object's storage as opened, for what is read before it is claimed (its stored alarm). */
    private final ObjectStorage durable;
    /** Its storage for events, on the storage its claim gave; null until claimed. Only the object's thread touches it. */
    private EventStorage storage;
    /** Whether this node runs the object; null until its first event claimed it. Only the object's thread touches it. */
    private Ownership.Claim claim;
    /** This node lost the object to another while running it: no event of it runs here any more. */
    private volatile boolean taken;
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
    /** Set while the object goes on with its code after a deploy of new code (it holds WebSockets with listeners): its reset. */
    private volatile ScheduledFuture<?> codeUpdate;

    LiveObject(DurableObjectId id, LiveObjects home, ObjectStorage durable, Executor threads) {
        this.id = id;
        this.home = home;
        this.durable = durable;
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

    @Override
    public void abort(String reason) {
        ObjectReset reset = new ObjectReset("abort: " + (reason == null ? "the Durable Object reset itself" : reason), null);
        storage.fail(reset);
        throw reset;
    }

    /**
     * Delivers a request to the object, after the events before it; completes once its writes
     * are committed, or fails with a {@link DurableObjectException} when its event threw or reset
     * the object. Null when the object was forgotten meanwhile (its namespace starts it again).
     * When the object does not run here, the namespace takes the request back ({@link LiveObjects#elsewhere}).
     *
     * @param attempt how many times the request looked for its object before ({@link LiveObjects#FROM_NODE} for one another node sent)
     */
    CompletableFuture<Response> fetch(Request request, int attempt) {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        boolean queued = submit(() -> {
            boolean here;
            try {
                here = runsHere();
            } catch (RuntimeException e) {
                answer.completeExceptionally(e); // the claim could not be made; the next event tries again
                return;
            }
            if (!here) {
                home.elsewhere(id, request, attempt, claim instanceof Ownership.Elsewhere owner ? owner : null).whenComplete((r, e) -> {
                    if (e != null) {
                        answer.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
                    } else {
                        answer.complete(r);
                    }
                });
                return;
            }
            Response[] response = new Response[1];
            DurableObjectException failed = run(() -> response[0] = object().fetch(request).toCompletableFuture().join());
            if (failed == null) {
                answer.complete(response[0]);
            } else {
                answer.completeExceptionally(failed);
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
        submit(() -> {
            if (!taken) { // else its sockets were closed when it was taken over
                run(event);
            }
        });
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
            if (codeUpdate != null && open == hibernatable) {
                submit(() -> {
                    if (codeUpdate != null && open == hibernatable) {
                        adoptNewCode(); // its last WebSocket with listeners closed: it can hibernate, and does, for the new code
                    }
                });
            }
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
        RuntimeException thrown = null;
        try {
            handler.run();
        } catch (RuntimeException e) {
            thrown = e;
        } finally {
            timer.cancel(false);
            Thread.interrupted(); // the thread runs the object's next events: no interrupt may be left for them
        }
        if (late[0]) { // whatever the interrupted handler threw, as Cloudflare's event timeout: the object is reset
            throw new ObjectReset("the WebSocket event ran past the object's hibernatable event timeout of " + limit, thrown);
        }
        if (thrown != null) {
            throw thrown;
        }
    }

    // Events

    /**
     * Runs one event: its pairs belong to this object, its writes are committed when it ends, and
     * only then does what it sent leave; null when it succeeded, else why it failed. An exception of
     * the event's code fails it alone (what it wrote and sent before is kept); a failure that
     * resets the object, or a commit that fails, undoes the event and resets the object.
     */
    private DurableObjectException run(Runnable event) {
        held.clear();
        Throwable thrown = null;
        try {
            try {
                WebSocket.Host.runIn(this, event);
            } catch (Throwable e) {
                thrown = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (ObjectReset.resets(thrown)) {
                    throw thrown;
                }
            }
            storage.sync(); // the output gate: nothing the event sent or answers leaves before its writes are durable
        } catch (Throwable e) {
            held.clear();
            reset(e);
            return new DurableObjectException(e, true);
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
        if (thrown != null) {
            home.metrics().exceptions.increment();
            logger.warn("Durable Object {} of {}: its event threw; the object goes on", id, home.name(), thrown);
            return new DurableObjectException(thrown, false);
        }
        return null;
    }

    private DurableObject object() {
        if (instance == null) {
            try {
                instance = home.type().construct(this);
            } catch (RuntimeException e) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                throw new ObjectReset(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
            }
            hasInstance = true;
            home.metrics().constructions.increment();
            if (evicted) {
                evicted = false;
                home.metrics().wakeUps.increment();
            }
        }
        return instance;
    }

    /**
     * The object is reset: what its event wrote is dropped, its WebSockets close with 1011, and it is
     * constructed again on its next event. When its commit was refused because another node took
     * it over, it closes them with 1012 and leaves this node: its next events go to that node.
     */
    private void reset(Throwable cause) {
        boolean takenOver = causedBy(cause, LeaseLostException.class);
        if (takenOver) {
            logger.warn("Durable Object {} of {}: another node took it over; its event's writes were refused, and it runs there"
                    + " from now on", id, home.name());
        } else {
            logger.error("Durable Object {} of {} is reset; it is constructed again on its next event", id, home.name(), cause);
        }
        home.metrics().resets.increment();
        storage.discard();
        dropInstance();
        cancelCodeUpdate(); // constructed again, of the code deployed now
        if (takenOver) { // out of this node's memory before its sockets hear that it moved
            ((Ownership.Here) claim).taken();
            leave();
        }
        closeSockets(takenOver ? 1012 : 1011, takenOver ? MOVED : "the Durable Object failed");
    }

    /** Why a socket of an object another node took over closes. */
    private static final String MOVED = dev.pier.workers.host.NodeRequests.MOVED_CLOSE_REASON;

    private void closeSockets(int code, String reason) {
        for (WebSocket socket : sockets) {
            WebSocket.Host.terminate(socket, code, reason);
        }
        sockets.clear();
        hibernatable = 0;
        open = 0;
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    // Where it runs

    /**
     * Whether the object runs on this node; its first event claims it. A claim that finds another
     * node running it makes the object leave this node's memory: what waits in its queue goes on
     * to that node.
     *
     * @throws RuntimeException when the claim cannot be made (then the next event tries again)
     */
    private boolean runsHere() {
        if (claim == null) {
            Ownership.Claim made = home.ownership().claim(durable, this::lostLease);
            claim = made;
            if (made instanceof Ownership.Here here) {
                storage = new EventStorage(here.storage());
                if (here.alarmFromStorage()) {
                    scheduleStoredAlarm();
                }
            } else {
                leave();
            }
        }
        return claim instanceof Ownership.Here && !taken;
    }

    /**
     * The node found it no longer holds the object (another took it over): from now on none of its
     * events runs here, it leaves memory at once, and once the running event ends its WebSockets
     * close with 1012.
     */
    private void lostLease() {
        taken = true;
        home.forget(this); // out of this node's memory before its sockets hear that it moved
        submit(() -> {
            dropInstance();
            cancelCodeUpdate();
            closeSockets(1012, MOVED);
            cancelAlarm(); // the node that took it over set its own
        });
        leave();
    }

    /** The object leaves this node's memory now, whatever waits in its queue: that finds it no longer runs here. */
    private void leave() {
        synchronized (queue) {
            forgotten = true;
        }
        home.forget(this);
    }

    private void cancelCodeUpdate() {
        if (codeUpdate != null) {
            codeUpdate.cancel(false);
            codeUpdate = null;
        }
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
        if (claim instanceof Ownership.Here here) {
            here.release();
        }
    }

    /**
     * New code was deployed, as Cloudflare's deferred code updates: once the running event ends, an
     * object that can hibernate (every WebSocket it holds is hibernatable) does so at once, and its
     * next event constructs the new code. One that holds a WebSocket with listeners goes on with its
     * code until the last of those closes (then it hibernates) or {@code maxDelay} passed; then it is
     * reset: those WebSockets close with 1012 and the next event constructs the new code. Hibernatable
     * WebSockets stay open either way.
     */
    void redeployed(Duration maxDelay) {
        submit(() -> {
            if (open == hibernatable || maxDelay.isZero()) {
                adoptNewCode();
            } else if (codeUpdate == null) {
                ScheduledFuture<?>[] reset = new ScheduledFuture<?>[1];
                reset[0] = LiveObjects.TIMERS.schedule(() -> submit(() -> {
                    if (codeUpdate == reset[0]) { // not adopted meanwhile, and then deferred again by a later deploy
                        adoptNewCode();
                    }
                }), maxDelay.toNanos(), TimeUnit.NANOSECONDS);
                codeUpdate = reset[0];
            }
        });
    }

    /** Drops the instance, and the WebSockets with listeners its code has, so that the next event constructs the code deployed now. */
    private void adoptNewCode() {
        cancelCodeUpdate();
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
    }

    // Alarms

    /** Sets the timer to the alarm in storage, if there is one: after a restart, or once the object is started again. */
    void scheduleStoredAlarm() {
        java.util.OptionalLong alarm = durable.alarm();
        if (alarm.isPresent()) {
            scheduleAlarm(alarm.getAsLong(), 0);
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
        try {
            if (!runsHere()) {
                return; // the node that runs the object has a timer for its alarm
            }
        } catch (RuntimeException e) {
            logger.warn("Durable Object {} of {}: its alarm cannot go off ({}); it is tried again", id, home.name(), e.getMessage());
            retryAlarm(epochMillis, retry);
            return;
        }
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
        if (failed != null) {
            retryAlarm(epochMillis, retry);
        }
    }

    /** The alarm's event failed: it goes off again later, unless it failed too often. */
    private void retryAlarm(long epochMillis, int retry) {
        if (retry < DurableObject.ALARM_RETRIES) {
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
