package dev.pier.bench;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.epoll.Native;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one of the per-connection system calls the edge's epoll channels leave out costs, made
 * as Netty makes it (JNI included) on one TCP socket: the option reads and writes of Netty's
 * socket channels and an {@code epoll_ctl} that changes a socket's interest set (issue 15, the
 * upgrade path). A handshake's share is the count left out times these.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SocketCallsBenchmark {

    LinuxSocket socket;
    FileDescriptor epoll;
    boolean reading;

    @Setup
    public void open() throws IOException {
        Epoll.ensureAvailability();
        socket = LinuxSocket.newSocketStream(false);
        epoll = Native.newEpollCreate();
        Native.epollCtlAdd(epoll.intValue(), socket.intValue(), Native.EPOLLRDHUP);
    }

    @TearDown
    public void close() throws IOException {
        socket.close();
        epoll.close();
    }

    @Benchmark
    public int getSendBufferSize() throws IOException {
        return socket.getSendBufferSize();
    }

    @Benchmark
    public int getSoLinger() throws IOException {
        return socket.getSoLinger();
    }

    @Benchmark
    public void setTcpNoDelay() throws IOException {
        socket.setTcpNoDelay(true);
    }

    /** Alternately sets and clears EPOLLIN, as a channel's reads do. */
    @Benchmark
    public void epollCtlMod() throws IOException {
        reading = !reading;
        Native.epollCtlMod(epoll.intValue(), socket.intValue(), Native.EPOLLRDHUP | (reading ? Native.EPOLLIN : 0));
    }

    /** One getsockname, for scale: the edge's channels still make two per connection. */
    @Benchmark
    public InetSocketAddress localAddress() {
        return socket.localAddress();
    }
}
