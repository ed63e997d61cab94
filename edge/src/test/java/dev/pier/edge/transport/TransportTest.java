package dev.pier.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each transport that runs here carries a proxied WebSocket; {@code pier.transport} chooses one and falls back in order. */
class TransportTest {

    private static JettyOrigin origin;

    @BeforeAll
    static void startOrigin() throws Exception {
        origin = new JettyOrigin();
    }

    @AfterAll
    static void stopOrigin() throws Exception {
        origin.close();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aWebSocketGoesThroughTheEdgeOnTheTransportAskedFor(Transport transport) throws Exception {
        assumeThat(transport.available()).as(transport + " runs here").isTrue();
        String before = System.getProperty("pier.transport");
        System.setProperty("pier.transport", transport.name().toLowerCase());
        try (TestEdge edge = TestEdge.toOrigin(origin.port())) {
            assertThat(edge.edge.transport()).isEqualTo(transport);
            WsClient client = WsClient.connect(edge.ws("/echo"));
            client.socket.sendText("over " + transport, true).join();
            assertThat(client.next()).isEqualTo("text:over " + transport);
            byte[] data = new byte[300_000]; // many reads and writes each way, past the write water marks
            new Random(3).nextBytes(data);
            client.socket.sendBinary(ByteBuffer.wrap(data), true).join();
            ByteBuffer echoed = client.nextBinary();
            byte[] back = new byte[echoed.remaining()];
            echoed.get(back);
            assertThat(back).isEqualTo(data);
            client.socket.sendClose(1000, "done").join();
            assertThat(client.next()).isEqualTo("close:1000 done");
            RequestLog log = edge.nextLog();
            assertThat(log.webSocketClientMessages()).isEqualTo(2);
            assertThat(log.webSocketOriginMessages()).isEqualTo(2);
        } finally {
            if (before == null) {
                System.clearProperty("pier.transport");
            } else {
                System.setProperty("pier.transport", before);
            }
        }
    }

    @Test
    void aTransportThatCannotRunFallsBackToTheNextInOrder() {
        Transport uring = Transport.best("io_uring");
        assertThat(uring).isEqualTo(Transport.IO_URING.available() ? Transport.IO_URING
                : Transport.EPOLL.available() ? Transport.EPOLL : Transport.NIO);
        assertThat(Transport.best("epoll")).isIn(Transport.EPOLL, Transport.NIO).isNotEqualTo(Transport.IO_URING);
        assertThat(Transport.best("NIO")).isEqualTo(Transport.NIO);
    }

    @Test
    void anUnknownTransportIsAnError() {
        assertThatThrownBy(() -> Transport.best("kqueue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pier.transport: kqueue (expected: io_uring, epoll or nio)");
    }
}
