package dev.pier.workers.js;

/**
 * The resource limits of a JavaScript Worker, as Cloudflare's Workers limits.
 *
 * @param cpuMillis   CPU time one invocation may take, summed over its calls (a request's {@code fetch} and
 *                    every later turn of it; each WebSocket event, each object event): Cloudflare's {@code limits.cpu_ms}
 * @param memoryBytes memory one call may retain in its context: Cloudflare's 128 MB per isolate
 * @param subrequests {@code fetch} calls one invocation may make: Cloudflare's paid plan's 10,000
 */
public record JsLimits(long cpuMillis, long memoryBytes, int subrequests) {

    /** Cloudflare's defaults: 30 s of CPU time (its paid plan's default), 128 MB, 10,000 subrequests. */
    public static final JsLimits DEFAULT = new JsLimits(30_000, 128L * 1024 * 1024, 10_000);

    public JsLimits {
        if (cpuMillis < 1) {
            throw new IllegalArgumentException("cpu_ms: " + cpuMillis + " (expected: at least 1)");
        }
        if (memoryBytes < 1024 * 1024) {
            throw new IllegalArgumentException("memory: " + memoryBytes + " bytes (expected: at least 1 MiB)");
        }
        if (subrequests < 0) {
            throw new IllegalArgumentException("subrequests: " + subrequests + " (expected: 0 or more)");
        }
    }
}
