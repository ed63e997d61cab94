package dev.pier.bench;

/**
 * {@link HandshakeBenchmark}'s connection counted by the edge's own threads: CPU time and bytes
 * allocated per connection (upgrade, one echo, close), which the machine's other load changes
 * little. For comparing two builds on a busy machine: run each build's jar in turn, several
 * rounds, and compare the best figures.
 * {@code java -cp bench/target/benchmarks.jar dev.pier.bench.HandshakeCpuTime [label]}; with
 * {@code -Dthreads=true} it also prints each edge thread's share.
 */
public final class HandshakeCpuTime {

    private static final int WARM_UP = 10_000;
    private static final int BATCH = 2_000;
    private static final int BATCHES = 5;

    private HandshakeCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        StringBuilder out = new StringBuilder(args.length > 0 ? args[0] : "");
        for (String rules : new String[] {"none", "managed"}) {
            try (HandshakeLoopback loopback = new HandshakeLoopback(rules.equals("managed") ? HandshakeLoopback.MANAGED : "")) {
                for (int i = 0; i < WARM_UP; i++) {
                    loopback.handshake();
                }
                java.util.Map<String, Long> threadsBefore = loopback.edgeCpuByThread();
                long bestCpu = Long.MAX_VALUE;
                long bestBytes = Long.MAX_VALUE;
                for (int batch = 0; batch < BATCHES; batch++) {
                    long cpu = loopback.edgeCpuNanos();
                    long bytes = loopback.edgeAllocatedBytes();
                    for (int i = 0; i < BATCH; i++) {
                        loopback.handshake();
                    }
                    bestCpu = Math.min(bestCpu, loopback.edgeCpuNanos() - cpu);
                    bestBytes = Math.min(bestBytes, loopback.edgeAllocatedBytes() - bytes);
                }
                out.append(String.format(" %s: %.1f µs CPU, %.1f KB allocated", rules, bestCpu / (double) BATCH / 1000.0,
                        bestBytes / (double) BATCH / 1024.0));
                if (Boolean.getBoolean("threads")) { // where the CPU went, over all batches
                    loopback.edgeCpuByThread().forEach((name, cpu) -> {
                        long spent = cpu - threadsBefore.getOrDefault(name, 0L);
                        if (spent > 0) {
                            System.out.printf("  %s %s: %.1f µs per connection%n", rules, name, spent / (double) (BATCH * BATCHES) / 1000.0);
                        }
                    });
                }
            }
        }
        System.out.println(out + " (the edge's threads, per connection: upgrade, one echo, close; best of "
                + BATCHES + " batches of " + BATCH + ")");
    }
}
