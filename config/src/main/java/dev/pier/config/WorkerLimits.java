package dev.pier.config;

/**
 * A JavaScript Worker's resource limits, its {@code limits:} in the node's file (wrangler's
 * {@code [limits]}): what one invocation may take before the runtime stops it or refuses it.
 *
 * @param cpuMs       CPU time of one invocation (a request with all its turns, an event), in ms: wrangler's {@code cpu_ms} (1 to
 *                    300,000, Cloudflare's 5 minutes)
 * @param memoryBytes memory a call may keep in its context (Cloudflare's 128 MB per isolate)
 * @param subrequests {@code fetch} calls per invocation (Cloudflare's paid plan: 10,000)
 */
public record WorkerLimits(int cpuMs, long memoryBytes, int subrequests) {

    /** Cloudflare's: 30 s of CPU time (the paid plan's default), 128 MB, 10,000 subrequests. */
    public static final WorkerLimits DEFAULT = new WorkerLimits(30_000, 128L << 20, 10_000);
    public static final int MAX_CPU_MS = 300_000;
    public static final int MAX_SUBREQUESTS = 10_000_000;

    /**
     * The limits under {@code node} ({@code limits:} in the node's file, {@code [limits]} in
     * wrangler's), each key optional: {@code cpu_ms}, {@code subrequests}, and {@code memory} where
     * {@code memory} is true (Pier's own key, not wrangler's).
     */
    static WorkerLimits of(ConfigNode node, boolean memory) {
        if (memory) {
            node.onlyKeys("cpu_ms", "memory", "subrequests");
        } else {
            node.onlyKeys("cpu_ms", "subrequests");
        }
        long bytes = memory ? node.size("memory") : 0;
        return new WorkerLimits(node.integer("cpu_ms", DEFAULT.cpuMs(), 1, MAX_CPU_MS), bytes == 0 ? DEFAULT.memoryBytes() : bytes,
                node.integer("subrequests", DEFAULT.subrequests(), 0, MAX_SUBREQUESTS));
    }

    public WorkerLimits {
        if (cpuMs < 1 || cpuMs > MAX_CPU_MS) {
            throw new IllegalArgumentException("limits: cpu_ms: " + cpuMs + " (expected: 1 to " + MAX_CPU_MS + ")");
        }
        if (memoryBytes < 1L << 20) {
            throw new IllegalArgumentException("limits: memory: " + memoryBytes + " bytes (expected: at least 1MiB)");
        }
        if (subrequests < 0 || subrequests > MAX_SUBREQUESTS) {
            throw new IllegalArgumentException("limits: subrequests: " + subrequests + " (expected: 0 to " + MAX_SUBREQUESTS + ")");
        }
    }
}
