package dev.pier.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * {@link WafBenchmark}'s request timed by the running thread's CPU time rather than wall time:
 * on a machine whose cores are shared with other work, wall time counts the time the thread
 * waited for a core, CPU time does not. For comparing two builds on a busy machine: run each
 * build's jar in turn, several rounds, and compare the best figures.
 * {@code java -cp bench/target/benchmarks.jar dev.pier.bench.WafCpuTime [label]}
 */
public final class WafCpuTime {

    private static final int WARM_UP = 30_000;
    private static final int BATCH = 10_000;
    private static final int BATCHES = 5;

    private WafCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        StringBuilder out = new StringBuilder(args.length > 0 ? args[0] : "");
        for (String rules : new String[] {"managed", "both"}) {
            for (String inputs : new String[] {"fresh", "repeated"}) {
                WafBenchmark b = new WafBenchmark();
                b.rules = rules;
                b.inputs = inputs;
                b.setUp();
                for (int i = 0; i < WARM_UP; i++) {
                    b.evaluate();
                }
                long best = Long.MAX_VALUE;
                for (int batch = 0; batch < BATCHES; batch++) {
                    long start = threads.getCurrentThreadCpuTime();
                    for (int i = 0; i < BATCH; i++) {
                        b.evaluate();
                    }
                    best = Math.min(best, threads.getCurrentThreadCpuTime() - start);
                }
                out.append(String.format(" %s/%s %.1f", rules, inputs, best / (double) BATCH / 1000.0));
                b.tearDown();
            }
        }
        System.out.println(out + " (µs of CPU per request, best of " + BATCHES + " batches of " + BATCH + ")");
    }
}
