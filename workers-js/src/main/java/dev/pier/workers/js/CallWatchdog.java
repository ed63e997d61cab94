package dev.pier.workers.js;

import dev.pier.workers.ResourceLimitException;
import java.lang.management.GarbageCollectorMXBean;
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
 * Stops an invocation of a script that breaks its CPU time limit, and a call into its code that
 * breaks its memory limit. A thread that calls into a context marks its {@link Slot} (two writes, no
 * allocation, no clock read); one daemon thread looks at the slots every {@link #PERIOD_MILLIS} ms
 * and, for a thread in a call, reads that thread's CPU time and allocated bytes from the JVM
 * ({@code com.sun.management.ThreadMXBean}). An invocation or call over a limit has its context
 * cancelled ({@link JsRealm#stop}).
 *
 * <p>CPU time is the thread's, not the wall clock's: a call that waits for a core on a busy machine
 * is not charged for the wait. It is summed over the calls of one invocation
 * ({@link JsRealm.Invocation}: a request's {@code fetch} and its later turns, on any thread): the CPU
 * time between two looks that both saw the thread in the same invocation counts against it (all of
 * it within one call; across two of its calls, at most one period's worth, since the thread may have
 * done other work between them). A call is measured from the first look that sees it, so a turn
 * that begins and ends between two looks is not counted: the sum is what runs long enough to matter.
 * Code outside any invocation (a main module's top level, an object's constructor) is limited per call.
 * A virtual thread (a Durable Object's events run on them) has no CPU time or allocation figures in
 * the JVM: its calls are charged their wall time, and their memory is not measured.
 *
 * <p>Memory is what a call keeps: GraalJS's interpreter allocates
 * hundreds of MB a second of short-lived objects, so allocation alone says nothing. A call is
 * suspect when it allocated another limit's worth since it was last looked at and the heap outside
 * the young generation's eden grew by more than the limit since it began; then a full garbage
 * collection ({@link System#gc()}) says what is really kept, and the call is stopped when that grew
 * by more than the limit. A call that only makes garbage costs at most one collection per limit's
 * worth of garbage that reaches the old generation.
 */
final class CallWatchdog {

    /** How often the watchdog looks: a call is stopped within this much of breaking its limit (two periods at most). */
    static final long PERIOD_MILLIS = 10;
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(CallWatchdog.class);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final List<MemoryPoolMXBean> HEAP = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP && !pool.getName().contains("Eden")).toList();
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
        // the watchdog's own: the call and invocation its last look saw (none: null), the thread's CPU time then, where the call began
        private long seenCalls = -1;
        private JsRealm.Invocation seenInvocation;
        private int seenGeneration;
        private long cpuAtLook;
        private long cpuAtStart;
        private long allocatedAtStart;
        private long liveAtStart;
        private long allocatedAtCheck;

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
        JsRealm.Invocation invocation = realm == null ? null : realm.invocation();
        if (realm == null || calls != slot.calls) {
            slot.seenInvocation = null; // the thread was out of any call: what it ran since counts against nothing
            return;
        }
        long id = slot.thread.threadId();
        long cpu = cpuTime(slot.thread);
        boolean newCall = calls != slot.seenCalls;
        int generation = invocation == null ? 0 : invocation.generation;
        if (invocation != null) {
            if (invocation.cpuGeneration != generation) { // the events' invocation moved on: another invocation, from 0
                invocation.cpuGeneration = generation;
                invocation.cpuNanos = 0;
            }
            if (invocation == slot.seenInvocation && generation == slot.seenGeneration && cpu >= 0) {
                long ran = cpu - slot.cpuAtLook;
                invocation.cpuNanos += newCall ? Math.min(ran, PERIOD_NANOS) : ran;
            }
        }
        slot.seenInvocation = invocation;
        slot.seenGeneration = generation;
        slot.cpuAtLook = cpu;
        if (newCall) {
            slot.seenCalls = calls;
            slot.cpuAtStart = cpu;
            slot.allocatedAtStart = THREADS.getThreadAllocatedBytes(id);
            slot.liveAtStart = heldHeap();
            slot.allocatedAtCheck = slot.allocatedAtStart;
        }
        JsLimits limits = realm.limits();
        long limitNanos = TimeUnit.MILLISECONDS.toNanos(limits.cpuMillis());
        if (cpu >= 0 && (invocation != null ? invocation.cpuNanos > limitNanos : cpu - slot.cpuAtStart > limitNanos)) {
            long ran = TimeUnit.NANOSECONDS.toMillis(invocation != null ? invocation.cpuNanos : cpu - slot.cpuAtStart);
            realm.stop(new ResourceLimitException(ResourceLimitException.Limit.CPU, "Worker exceeded CPU time limit: "
                    + (invocation != null ? "the invocation ran " : "one call ran ") + ran + " ms of CPU time (expected: at most cpu_ms "
                    + limits.cpuMillis() + ")"));
            return;
        }
        if (newCall) {
            return;
        }
        long allocated = THREADS.getThreadAllocatedBytes(id);
        if (allocated - slot.allocatedAtCheck > limits.memoryBytes() && heldHeap() - slot.liveAtStart > limits.memoryBytes()) {
            slot.allocatedAtCheck = allocated;
            long collections = collections();
            System.gc(); // what the heap holds now is what is kept: the call's garbage is gone
            long live = heldHeap();
            long kept = live - slot.liveAtStart;
            // no collection ran (-XX:+DisableExplicitGC): the figure still has garbage in it, and stops nothing
            if (kept > limits.memoryBytes() && collections() != collections && slot.active == realm && slot.calls == calls) {
                realm.stop(new ResourceLimitException(ResourceLimitException.Limit.MEMORY, "Worker exceeded memory limit: one call kept "
                        + ((kept + (1 << 20) - 1) >> 20) + " MiB (expected: at most " + (limits.memoryBytes() >> 20) + " MiB)"));
            } else {
                slot.liveAtStart = Math.min(slot.liveAtStart, live); // a true figure now: the start's held garbage is gone
            }
        }
    }

    /**
     * The thread's CPU time, in nanoseconds; for a virtual thread (a Durable Object's event runs on
     * one), whose CPU time the JVM does not tell, the wall clock: a call is then charged the time it
     * ran, waits for storage included. -1 when neither can be had.
     */
    private static long cpuTime(Thread thread) {
        if (thread.isVirtual()) {
            return System.nanoTime();
        }
        return THREADS.getThreadCpuTime(thread.threadId());
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    /** The heap in use outside eden (where new objects are made and most die): survivors and the old generation. */
    private static long heldHeap() {
        long held = 0;
        for (MemoryPoolMXBean pool : HEAP) {
            MemoryUsage usage = pool.getUsage();
            if (usage != null) {
                held += usage.getUsed();
            }
        }
        return held;
    }
}
