package dev.pier.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.config.WorkerLimits;

/**
 * A Workers script's {@code limits} as Cloudflare's script API carries them (the upload's
 * metadata, the script's settings, what wrangler sends from its {@code [limits]}): {@code cpu_ms}
 * and {@code subrequests}, each optional. Stored in the script's settings as given, and run as the
 * script's {@link WorkerLimits} (Pier's memory limit keeps its default: Cloudflare's API has none).
 */
public final class ScriptLimits {

    private ScriptLimits() {
    }

    /** What is wrong with {@code limits}, or null: {@code at} names it in the message. */
    public static Problem problem(JsonNode limits, String at) {
        if (limits == null || limits.isMissingNode() || limits.isNull()) {
            return null;
        }
        if (!limits.isObject()) {
            return new Problem(false, at + ": " + limits + " (expected: an object such as {\"cpu_ms\": 50})");
        }
        for (var fields = limits.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!field.equals("cpu_ms") && !field.equals("subrequests")) {
                return new Problem(false, at + "." + field + ": not a limit Pier runs (expected: cpu_ms, subrequests)");
            }
        }
        JsonNode cpu = limits.path("cpu_ms");
        if (!cpu.isMissingNode() && !cpu.isNull()) {
            if (!cpu.isIntegralNumber()) {
                return new Problem(false, at + ".cpu_ms: " + cpu + " (expected: a whole number of milliseconds)");
            }
            if (!cpu.canConvertToInt() || cpu.intValue() < 1 || cpu.intValue() > WorkerLimits.MAX_CPU_MS) {
                return new Problem(true, at + ".cpu_ms: " + cpu + " (expected: 1 to " + WorkerLimits.MAX_CPU_MS
                        + " ms of CPU time, Cloudflare's 5 minutes at most)");
            }
        }
        JsonNode subrequests = limits.path("subrequests");
        if (!subrequests.isMissingNode() && !subrequests.isNull()) {
            if (!subrequests.isIntegralNumber() || !subrequests.canConvertToInt() || subrequests.intValue() < 0
                    || subrequests.intValue() > WorkerLimits.MAX_SUBREQUESTS) {
                return new Problem(false, at + ".subrequests: " + subrequests + " (expected: a whole number from 0 to "
                        + WorkerLimits.MAX_SUBREQUESTS + ")");
            }
        }
        return null;
    }

    /**
     * A problem with a script's limits.
     *
     * @param cpu whether it is the CPU time limit's value (Cloudflare answers those with a code of their own)
     */
    public record Problem(boolean cpu, String message) {
    }

    /** The limits as they are kept: the given ones only, null for none. Call {@link #problem} first. */
    public static ObjectNode kept(JsonNode limits) {
        if (limits == null || limits.isMissingNode() || limits.isNull()) {
            return null;
        }
        ObjectNode kept = JsonNodeFactory.instance.objectNode();
        if (limits.hasNonNull("cpu_ms")) {
            kept.put("cpu_ms", limits.get("cpu_ms").intValue());
        }
        if (limits.hasNonNull("subrequests")) {
            kept.put("subrequests", limits.get("subrequests").intValue());
        }
        return kept;
    }

    /** The limits a script with these settings' {@code limits} runs with: Cloudflare's defaults for what is not given. */
    public static WorkerLimits of(JsonNode limits) {
        WorkerLimits d = WorkerLimits.DEFAULT;
        if (limits == null || !limits.isObject()) {
            return d;
        }
        return new WorkerLimits(limits.hasNonNull("cpu_ms") ? limits.get("cpu_ms").intValue() : d.cpuMs(), d.memoryBytes(),
                limits.hasNonNull("subrequests") ? limits.get("subrequests").intValue() : d.subrequests());
    }
}
