package dev.pier.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.error.EdgeError;
import dev.pier.edge.error.EdgeException;
import dev.pier.edge.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Origin connections over real sockets on both transports: by address (no resolver, a socket of
 * the address's family), by host name (through the resolver), and each way connecting fails. The
 * listener hears of the outcome only after {@code connect} has returned the connection.
 */
class OriginUpstreamTest {

    private EventLoopGroup group;
    private Channel client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** What the listener heard, and whether {@code connect} had returned by then. */
    private static final class Outcome implements UpstreamListener {
        final CompletableFuture<Object> heard = new CompletableFuture<>();
        volatile boolean returned;
        volatile boolean heardBeforeReturn;

        @Override
        public void upstreamConnected(UpstreamConnection connection) {
            heardBeforeReturn |= !returned;
            heard.complete(connection);
        }

        @Override
        public void upstreamFailed(UpstreamConnection connection, EdgeException failure) {
            heardBeforeReturn |= !returned;
            heard.complete(failure);
        }

        @Override
        public void upstreamMessage(UpstreamConnection connection, HttpObject message) {
        }

        @Override
        public boolean upstreamReadComplete(UpstreamConnection connection) {
            return true;
        }

        @Override
        public void upstreamWritable(UpstreamConnection connection) {
        }

        @Override
        public void upstreamClosed(UpstreamConnection connection) {
        }
    }

    private Object connect(Transport transport, OriginGuard guard, String host, int port) throws Exception {
        return connect(transport, guard, host, port, Duration.ofSeconds(5));
    }

    private Object connect(Transport transport, OriginGuard guard, String host, int port, Duration connectTimeout) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(transport.available(), transport + " does not run on this kernel");
        group = transport.newGroup(1);
        client = transport.socketChannel().getConstructor().newInstance();
        group.register(client).sync();
        OriginUpstream upstream = new OriginUpstream(() -> OriginChannels.of(transport), () -> guard);
        OriginPeer peer = new OriginPeer(host, port, null, null, false, connectTimeout);
        Outcome outcome = new Outcome();
        client.eventLoop().submit(() -> {
            upstream.connect(peer, client, outcome);
            outcome.returned = true;
        }).sync();
        Object heard = outcome.heard.get(10, TimeUnit.SECONDS);
        assertThat(outcome.heardBeforeReturn).as("the listener heard before connect returned").isFalse();
        return heard;
    }

    private static EdgeError failure(Object heard) {
        assertThat(heard).isInstanceOf(EdgeException.class);
        return ((EdgeException) heard).error();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void anOriginIsReachedByAddressAndByHostName(Transport transport) throws Exception {
        for (String host : List.of("127.0.0.1", "localhost")) {
            try (ServerSocket origin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                Object heard = connect(transport, OriginGuard.NONE, host, origin.getLocalPort());
                try (Socket accepted = origin.accept()) {
                    assertThat(heard).as(host).isInstanceOf(UpstreamConnection.class);
                    UpstreamConnection connection = (UpstreamConnection) heard;
                    assertThat(connection.connected()).isTrue();
                    assertThat(connection.remoteIp()).isEqualTo("127.0.0.1");
                    assertThat(accepted.getPort()).isPositive();
                    connection.close();
                }
            } finally {
                stop();
                client = null;
                group = null;
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void anIpv6OriginIsReachedByAddress(Transport transport) throws Exception {
        InetAddress loopback6 = InetAddress.getByName("::1");
        ServerSocket origin;
        try {
            origin = new ServerSocket(0, 50, loopback6);
        } catch (IOException noIpv6) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + noIpv6);
            return;
        }
        try (origin) {
            Object heard = connect(transport, OriginGuard.NONE, "::1", origin.getLocalPort());
            try (Socket accepted = origin.accept()) {
                assertThat(heard).isInstanceOf(UpstreamConnection.class);
                assertThat(((UpstreamConnection) heard).remoteIp()).isEqualTo(loopback6.getHostAddress());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aHostNameThatDoesNotResolveIsUnreachable(Transport transport) throws Exception {
        assertThat(failure(connect(transport, OriginGuard.NONE, "nothing.invalid", 80))).isEqualTo(EdgeError.ORIGIN_UNREACHABLE);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aClosedPortIsRefused(Transport transport) throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        assertThat(failure(connect(transport, OriginGuard.NONE, "127.0.0.1", port))).isEqualTo(EdgeError.ORIGIN_REFUSED);
    }

    /** An origin whose accept queue is full drops the SYN: the connect neither succeeds nor fails, and times out. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void anOriginThatDoesNotAnswerTimesOut(Transport transport) throws Exception {
        List<Socket> queued = new java.util.ArrayList<>();
        try (ServerSocket origin = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), origin.getLocalPort());
            while (queued.size() < 10) { // fills the accept queue, which nobody takes from
                Socket filler = new Socket();
                queued.add(filler);
                try {
                    filler.connect(address, 300);
                } catch (java.net.SocketTimeoutException full) {
                    break;
                }
            }
            long start = System.nanoTime();
            Object heard = connect(transport, OriginGuard.NONE, "127.0.0.1", origin.getLocalPort(), Duration.ofMillis(300));
            assertThat(failure(heard)).isEqualTo(EdgeError.ORIGIN_CONNECT_TIMEOUT);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        } finally {
            for (Socket filler : queued) {
                filler.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aProhibitedAddressIsNotConnectedToByAddressOrByName(Transport transport) throws Exception {
        for (String host : List.of("127.0.0.1", "localhost")) {
            try (ServerSocket origin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                origin.setSoTimeout(200);
                OriginGuard guard = OriginGuard.of(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), origin.getLocalPort())));
                assertThat(failure(connect(transport, guard, host, origin.getLocalPort()))).as(host).isEqualTo(EdgeError.PROHIBITED_ORIGIN);
                try (Socket accepted = origin.accept()) {
                    throw new AssertionError("the origin was connected to: " + accepted);
                } catch (java.net.SocketTimeoutException expected) {
                    // nothing connected
                }
            } finally {
                stop();
                client = null;
                group = null;
            }
        }
    }
}
