package dev.pier.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

class EdgeChannelOptionsTest {

    /** The edge sets no TCP_NODELAY of its own on the sockets of Netty's channels it uses: it relies on this. */
    @Test
    void everySocketChannelStartsWithNagleOff() {
        assertThat(Epoll.isAvailable()).as("native epoll on this machine").isTrue();
        for (SocketChannel channel : new SocketChannel[] {new EpollSocketChannel(), new NioSocketChannel()}) {
            try {
                assertThat(channel.config().getOption(ChannelOption.TCP_NODELAY)).as(channel.getClass().getSimpleName()).isTrue();
            } finally {
                channel.unsafe().closeForcibly();
            }
        }
    }
}
