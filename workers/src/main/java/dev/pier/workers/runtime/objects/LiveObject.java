package dev.pier.workers.runtime.objects;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectId;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.DurableObjectStorage;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.runtime.storage.ObjectStorage;
import dev.pier.workers.WebSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One Durable Object in memory: its instance (constructed on its first event, and again after
 * an event failed), its storage, and its events, run one at a time on a thread of its own.
 *
 * <p>The gates, as workerd's: an event runs to the end of its stage before the next is delivered
 * (input gate; stricter than Cloudflare, which lets another event in while one awaits something
 * that is not storage), and what it answers is released only once its writes are committed
 * (output gate); when the commit fails, the answer is the failure and nothing of the event is
 * kept. An event that throws also resets the object: its WebSockets close with 1011, and its
 * instance is constructed again on the next event and finds in storage only what earlier events
 * committed. A WebSocket pair made
 * during an event belongs to the object: what the client sends on it is the object's next event,
 * and what the object sends on it leaves with the event's output.
 */
final class LiveObject implements DurableObjectState, WebSocket.EventContext {

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(LiveObject.class);
    /** One thread for every object's alarm timers: a timer only puts the alarm event in its object's queue. */
    private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pier-alarms").daemon().factory());
    /** The first retry of a failed alarm waits this long; each next one twice as long. */
    private static final long ALARM_RETRY_MILLIS = 2_000;

    private final DurableObjectId id;
    private final ObjectClass type;
    private final EventStorage storage;
    private final Executor threads;
    /** Events waiting for the one running; guarded by itself. */
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean running;
    private DurableObject instance;
    /** What the running event sent on its WebSockets, held until its writes are committed; only the object's thread touches it. */
    private final List<Runnable> held = new ArrayList<>();
    /** The server ends of the pairs this object made, until they close; only the object's thread touches it. */
    private final List<WebSocket> sockets = new ArrayList<>();
    /** When the stored alarm goes off; null while none is set. */
    private ScheduledFuture<?> alarmTimer;

    LiveObject(DurableObjectId id, ObjectClass type, ObjectStorage durable, Executor threads) {
        this.id = id;
        this.type = type;
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

    /** Delivers a request to the object, after the events before it; completes once its writes are committed. */
    CompletableFuture<Response> fetch(Request request) {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        submit(() -> {
            Response[] response = new Response[1];
            Throwable failed = run(() -> response[0] = object().fetch(request).toCompletableFuture().join());
            if (failed == null) {
                answer.complete(response[0]);
            } else {
                answer.completeExceptionally(failed instanceof java.util.concurrent.CompletionException && failed.getCause() != null
                        ? failed.getCause() : failed);
            }
        });
        return answer;
    }

    /** A WebSocket event of a pair this object made: the object's next event. */
    @Override
    public void deliver(Runnable event) {
        submit(() -> run(event));
    }

    @Override
    public void hold(Runnable send) {
        held.add(send);
    }

    @Override
    public void adopt(WebSocket serverEnd) {
        sockets.removeIf(s -> s.readyState() == WebSocket.CLOSED);
        sockets.add(serverEnd);
    }

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

    /** Sets the timer to the alarm in storage, if there is one: after a restart, or a deploy. */
    void scheduleStoredAlarm() {
        Long alarm = storage.getAlarm();
        if (alarm != null) {
            scheduleAlarm(alarm, 0);
        }
    }

    private synchronized void scheduleAlarm(long epochMillis, int retry) {
        cancelAlarm();
        long delay = Math.max(0, epochMillis - System.currentTimeMillis());
        alarmTimer = TIMERS.schedule(() -> submit(() -> fireAlarm(epochMillis, retry)), delay, TimeUnit.MILLISECONDS);
    }

    private synchronized void cancelAlarm() {
        if (alarmTimer != null) {
            alarmTimer.cancel(false);
            alarmTimer = null;
        }
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
                alarmTimer = TIMERS.schedule(() -> submit(() -> fireAlarm(epochMillis, retry + 1)),
                        ALARM_RETRY_MILLIS << retry, TimeUnit.MILLISECONDS);
            }
        }
    }

    private DurableObject object() {
        if (instance == null) {
            instance = type.construct(this);
        }
        return instance;
    }

    /** The object failed: what its event wrote is dropped, its WebSockets close with 1011, and it is constructed again on its next event. */
    private void reset(Throwable cause) {
        logger.error("Durable Object {} of {} failed an event; it starts again on the next one", id, type.name(), cause);
        storage.discard();
        instance = null;
        for (WebSocket socket : sockets) {
            WebSocket.Host.terminate(socket, 1011, "the Durable Object failed");
        }
        sockets.clear();
    }

    private void submit(Runnable event) {
        synchronized (queue) {
            if (running) {
                queue.add(event);
                return;
            }
            running = true;
        }
        threads.execute(() -> drain(event));
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
}
