package dev.pier.bench;

import dev.pier.edge.tunnel.FrameTracker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * What frame tracking costs per read: one buffer holding as many masked frames of
 * {@code payload} bytes as fit in 64 KiB (a typical read under load), tracked once.
 * The result divided by {@code frames()} is the cost per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameTrackerBenchmark {

    @Param({"64", "1024", "65536"})
    int payload;

    ByteBuf read;
    int frames;
    FrameTracker tracker;

    @Setup(Level.Trial)
    public void frames() {
        int header = payload < 126 ? 6 : payload < 65536 ? 8 : 14;
        frames = Math.max(1, 65536 / (header + payload));
        read = Unpooled.directBuffer(frames * (header + payload));
        for (int i = 0; i < frames; i++) {
            read.writeByte(0x82);
            if (payload < 126) {
                read.writeByte(0x80 | payload);
            } else if (payload < 65536) {
                read.writeByte(0x80 | 126).writeShort(payload);
            } else {
                read.writeByte(0x80 | 127).writeLong(payload);
            }
            read.writeInt(0x12345678);
            read.writeZero(payload);
        }
        tracker = new FrameTracker();
    }

    @TearDown(Level.Trial)
    public void release() {
        read.release();
    }

    @Benchmark
    public boolean trackOneRead() {
        return tracker.track(read);
    }
}
