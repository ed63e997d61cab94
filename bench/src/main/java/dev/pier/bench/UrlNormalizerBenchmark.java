package dev.pier.bench;

import dev.pier.config.UrlNormalization;
import dev.pier.waf.UrlNormalizer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What URL normalization (Cloudflare's type, on every request the WAF judges) costs per request
 * target: {@code plain}, a path nothing changes (the usual case, answered by one scan);
 * {@code spelled}, a short path with escapes, dot segments, slashes and a backslash; {@code long},
 * 4 KiB of such segments.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UrlNormalizerBenchmark {

    @Param({"plain", "spelled", "long"})
    public String path;

    private String target;

    @Setup
    public void setUp() {
        target = switch (path) {
            case "plain" -> "/live/websocket/chat-room_42?vsn=2.0.0&token=abc";
            case "spelled" -> "//live/./x/../%77ebsocket\\chat-room_42/%2e?vsn=2.0.0&token=abc";
            default -> "/a/./b//%63/..\\d%2Fe".repeat(4096 / 20) + "?q=1";
        };
    }

    @Benchmark
    public String normalize() {
        return UrlNormalizer.normalizeTarget(target, UrlNormalization.Type.CLOUDFLARE);
    }
}
