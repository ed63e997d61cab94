package dev.pier.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge's epoll listener over real sockets: bound with the options the edge's listeners set,
 * two listeners on one port (how a new Pier takes over), and each accepted connection with Nagle's
 * algorithm off (inherited from the listener, not set per connection), its addresses, the kernel's
 * round-trip time, and bulk bytes both ways intact past its send buffer (gathering writes sized
 * from the listener's first connection).
 */
class EpollListenerChannelTest {

    private static final int BYTES = 4 * 1024 * 1024;

    private EventLoopGroup group;

    @BeforeEach
    void start() {
        assertThat(Epoll.isAvailable()).as("native epoll on this machine").isTrue();
        group = Transport.EPOLL.newGroup(1);
    }

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Channel listen(int port, CompletableFuture<Channel> accepted) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(Transport.EPOLL.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.complete(ch);
                    }
                });
        Transport.EPOLL.reusePort(bootstrap);
        return bootstrap.bind(InetAddress.getLoopbackAddress(), port).syncUninterruptibly().channel();
    }

    @Test
    void aListenerHasTheOptionsTheEdgeSetsAndSharesItsPort() {
        Channel first = listen(0, new CompletableFuture<>());
        try {
            assertThat(first).isInstanceOf(EpollListenerChannel.class);
            assertThat(first.config().getOption(ChannelOption.SO_BACKLOG)).isEqualTo(4096);
            assertThat(first.config().getOption(ChannelOption.SO_REUSEADDR)).isTrue();
            assertThat(first.config().getOption(EpollChannelOption.SO_REUSEPORT)).isTrue();
            int port = ((InetSocketAddress) first.localAddress()).getPort();
            Channel second = listen(port, new CompletableFuture<>());
            assertThat(second.localAddress()).isEqualTo(first.localAddress());
            second.close().syncUninterruptibly();
        } finally {
            first.close().syncUninterruptibly();
        }
    }

    @Test
    void anAcceptedConnectionHasNagleOffItsAddressesAndItsRoundTripTimeAndCarriesBulkBytes() throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel listener = listen(0, accepted);
        byte[] sent = new byte[BYTES];
        new Random(15).nextBytes(sent);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), ((InetSocketAddress) listener.localAddress()).getPort())) {
            Channel channel = accepted.get(10, TimeUnit.SECONDS);
            assertThat(channel).isInstanceOf(EpollClientChannel.class);
            assertThat(channel.config().getOption(ChannelOption.TCP_NODELAY)).as("TCP_NODELAY").isTrue();
            assertThat(channel.remoteAddress()).isEqualTo(client.getLocalSocketAddress());
            assertThat(channel.localAddress()).isEqualTo(client.getRemoteSocketAddress());
            assertThat(((EpollClientChannel) channel).tcpRttMicros()).as("tcpi_rtt").isPositive();

            MessageDigest received = MessageDigest.getInstance("SHA-256");
            CompletableFuture<Void> all = new CompletableFuture<>();
            channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                private long count;

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf buf = (ByteBuf) msg;
                    count += buf.readableBytes();
                    received.update(buf.nioBuffer());
                    ctx.write(buf); // back as it came
                    if (count == BYTES) {
                        all.complete(null);
                    }
                }

                @Override
                public void channelReadComplete(ChannelHandlerContext ctx) {
                    ctx.flush();
                }
            });
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.readNBytes(BYTES);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            out.write(sent);
            out.flush();
            all.get(10, TimeUnit.SECONDS);
            assertThat(received.digest()).as("bytes the channel read").isEqualTo(MessageDigest.getInstance("SHA-256").digest(sent));
            assertThat(MessageDigest.getInstance("SHA-256").digest(echoed.get(10, TimeUnit.SECONDS)))
                    .as("bytes the channel wrote back").isEqualTo(MessageDigest.getInstance("SHA-256").digest(sent));
            channel.close().syncUninterruptibly();
        } finally {
            listener.close().syncUninterruptibly();
        }
    }
}
