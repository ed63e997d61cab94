package dev.pier.workers.js;

import dev.pier.workers.ResourceLimitException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Stops a call into a script's code that breaks its CPU time or memory limit. A thread that calls
 * into a context marks its {@link Slot} (two writes, no allocation, no clock read); one daemon thread
 * looks at the slots every {@link #PERIOD_MILLIS} ms and, for a thread in a call, reads that thread's
 * CPU time and allocated bytes from the JVM ({@code com.sun.management.ThreadMXBean}), from the
 * first time it saw the call. A call over a limit has its context cancelled ({@link JsRealm#stop}).
 *
 * <p>CPU time is the thread's, not the wall clock's: a call that waits for a core on a busy machine
 * is not charged for the wait. Memory is what a call retains: GraalJS's interpreter allocates
 * hundreds of MB a second of short-lived objects, so allocation alone says nothing; a call is over
 * the limit when it allocated more than the limit and the heap in use after the last garbage
 * collection grew by more than the limit since the call began.
 */
final class CallWatchdog {

    /** How often the watchdog looks: a call is stopped within this much of breaking its limit (two periods at most). */
    static final long PERIOD_MILLIS = 10;

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(CallWatchdog.class);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final List<MemoryPoolMXBean> HEAP = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported()).toList();
    private static final Queue<Slot> SLOTS = new ConcurrentLinkedQueue<>();
    private static final ThreadLocal<Slot> SLOT = ThreadLocal.withInitial(CallWatchdog::register);

    static {
        if (THREADS.isThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        if (THREADS.isThreadAllocatedMemorySupported() && !THREADS.isThreadAllocatedMemoryEnabled()) {
            THREADS.setThreadAllocatedMemoryEnabled(true);
        }
        Thread watchdog = new Thread(CallWatchdog::watch, "pier-js-watchdog");
        watchdog.setDaemon(true);
        watchdog.setPriority(Thread.MAX_PRIORITY);
        watchdog.start();
    }

    private CallWatchdog() {
    }

    /** What one thread is running: written by that thread, read by the watchdog. */
    static final class Slot {
        final Thread thread;
        /** The context the thread is in, innermost first; null outside any. */
        volatile JsRealm active;
        /** Calls the thread entered from outside any context: tells one call from the next. */
        volatile long calls;
        // the watchdog's own: the call it measures and where that call began
        private long seenCalls = -1;
        private long cpuAtStart;
        private long allocatedAtStart;
        private long liveAtStart;

        private Slot(Thread thread) {
            this.thread = thread;
        }
    }

    /** This thread's slot (made and registered on its first call). */
    static Slot slot() {
        return SLOT.get();
    }

    /** Marks the thread as in {@code realm}; returns what to give {@link #leave}. */
    static JsRealm enter(Slot slot, JsRealm realm) {
        JsRealm outer = slot.active;
        if (outer == null) {
            slot.calls++; // only this thread writes it
        }
        slot.active = realm;
        return outer;
    }

    static void leave(Slot slot, JsRealm outer) {
        slot.active = outer;
    }

    private static Slot register() {
        Slot slot = new Slot(Thread.currentThread());
        SLOTS.add(slot);
        return slot;
    }

    private static void watch() {
        while (true) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS));
            try {
                for (Slot slot : SLOTS) {
                    if (!slot.thread.isAlive()) {
                        SLOTS.remove(slot);
                    } else {
                        look(slot);
                    }
                }
            } catch (RuntimeException | Error e) {
                logger.error("The JavaScript Workers' watchdog failed to check a call", e);
            }
        }
    }

    private static void look(Slot slot) {
        long calls = slot.calls;
        JsRealm realm = slot.active;
        if (realm == null || calls != slot.calls) {
            return;
        }
        long id = slot.thread.threadId();
        if (calls != slot.seenCalls) {
            slot.seenCalls = calls;
            slot.cpuAtStart = THREADS.getThreadCpuTime(id);
            slot.allocatedAtStart = THREADS.getThreadAllocatedBytes(id);
            slot.liveAtStart = liveHeap();
            return;
        }
        JsLimits limits = realm.limits();
        long cpuNanos = THREADS.getThreadCpuTime(id) - slot.cpuAtStart;
        if (slot.cpuAtStart >= 0 && cpuNanos > TimeUnit.MILLISECONDS.toNanos(limits.cpuMillis())) {
            realm.stop(new ResourceLimitException(ResourceLimitException.Limit.CPU, "Worker exceeded CPU time limit: one call ran "
                    + TimeUnit.NANOSECONDS.toMillis(cpuNanos) + " ms of CPU time (expected: at most cpu_ms " + limits.cpuMillis() + ")"));
            return;
        }
        long allocated = THREADS.getThreadAllocatedBytes(id) - slot.allocatedAtStart;
        if (allocated > limits.memoryBytes()) {
            long grown = liveHeap() - slot.liveAtStart;
            if (grown > limits.memoryBytes()) {
                realm.stop(new ResourceLimitException(ResourceLimitException.Limit.MEMORY, "Worker exceeded memory limit: one call kept "
                        + (grown >> 20) + " MiB (expected: at most " + (limits.memoryBytes() >> 20) + " MiB)"));
            }
        }
    }

    /** The heap in use after the last garbage collection of each of its pools. */
    private static long liveHeap() {
        long live = 0;
        for (MemoryPoolMXBean pool : HEAP) {
            MemoryUsage usage = pool.getCollectionUsage();
            if (usage != null) {
                live += usage.getUsed();
            }
        }
        return live;
    }
}
