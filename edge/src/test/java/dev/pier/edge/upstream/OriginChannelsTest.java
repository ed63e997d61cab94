package dev.pier.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The channels origin connections are made of, over a real socket on each transport: Nagle's
 * algorithm off without an option saying so, bytes both ways intact when a write is far larger
 * than a socket's send buffer (gathering writes sized without asking the socket), and the
 * addresses of the connection known once it is connected.
 */
class OriginChannelsTest {

    private static final int BYTES = 4 * 1024 * 1024;

    @ParameterizedTest
    @EnumSource(Transport.class)
    void anOriginChannelCarriesBulkBytesBothWaysWithNagleOff(Transport transport) throws Exception {
        Assumptions.assumeTrue(transport.available(), transport + " does not run on this kernel");
        byte[] sent = new byte[BYTES];
        new Random(15).nextBytes(sent);
        EventLoopGroup group = transport.newGroup(1);
        try (ServerSocket origin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), origin.getLocalPort());
            Channel channel = OriginChannels.of(transport).newChannel(address);
            assertThat(channel.config().getOption(ChannelOption.TCP_NODELAY)).as("TCP_NODELAY").isTrue();
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            CompletableFuture<Void> all = new CompletableFuture<>();
            channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                private long count;

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf buf = (ByteBuf) msg;
                    count += buf.readableBytes();
                    received.update(buf.nioBuffer());
                    buf.release();
                    if (count == BYTES) {
                        all.complete(null);
                    }
                }
            });
            group.register(channel).sync();
            channel.connect(address).sync();
            try (Socket accepted = origin.accept()) {
                assertThat(channel.remoteAddress()).isEqualTo(accepted.getLocalSocketAddress());
                assertThat(channel.localAddress()).isEqualTo(accepted.getRemoteSocketAddress());
                channel.writeAndFlush(Unpooled.wrappedBuffer(sent));
                byte[] echoed = new byte[BYTES];
                InputStream in = accepted.getInputStream();
                for (int at = 0; at < BYTES; ) {
                    at += in.readNBytes(echoed, at, BYTES - at);
                }
                assertThat(MessageDigest.getInstance("SHA-256").digest(echoed))
                        .as("bytes the origin read").isEqualTo(MessageDigest.getInstance("SHA-256").digest(sent));
                OutputStream out = accepted.getOutputStream();
                out.write(echoed);
                out.flush();
                all.get(10, TimeUnit.SECONDS);
                assertThat(received.digest()).as("bytes the channel read").isEqualTo(MessageDigest.getInstance("SHA-256").digest(sent));
            } finally {
                channel.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
