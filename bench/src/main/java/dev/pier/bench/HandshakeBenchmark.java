package dev.pier.bench;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One proxied WebSocket connection through a real edge in this process ({@link HandshakeLoopback}):
 * a browser's upgrade request, its head parsed, the zone's rules, the origin's 101, one echoed
 * frame, the close handshake. {@code rules}: none but the origin route, or the managed OWASP
 * ruleset. The time per operation is one connection's latency end to end on loopback, with the
 * client, the origin and the edge taking turns; {@code -prof gc} adds the bytes allocated per
 * connection (all threads). {@link HandshakeCpuTime} gives the edge's own CPU time and allocation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HandshakeBenchmark {

    @Param({"none", "managed"})
    public String rules;

    HandshakeLoopback loopback;

    @Setup
    public void setUp() throws Exception {
        loopback = new HandshakeLoopback(rules.equals("managed") ? HandshakeLoopback.MANAGED : "");
    }

    @TearDown
    public void tearDown() {
        loopback.close();
    }

    @Benchmark
    public void upgradeEchoClose() throws Exception {
        loopback.handshake();
    }
}
