package dev.pier.edge.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.TestEdge;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.annotations.OnWebSocketMessage;
import org.eclipse.jetty.websocket.api.annotations.WebSocket;
import org.eclipse.jetty.websocket.api.ExtensionConfig;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate and a subprotocol are negotiated by client and origin (both Jetty) with
 * the edge in between touching neither: compressed frames pass as they are, which the byte
 * counts prove.
 */
class PerMessageDeflateTest {

    @WebSocket
    public static class Collector {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

        @OnWebSocketMessage
        public void text(String message) {
            messages.add(message);
        }
    }

    @Test
    void deflateAndSubprotocolAreNegotiatedEndToEnd() throws Exception {
        try (JettyOrigin origin = new JettyOrigin(); TestEdge edge = TestEdge.toOrigin(origin.port())) {
            WebSocketClient client = new WebSocketClient();
            client.setMaxTextMessageSize(1 << 20);
            client.start();
            try {
                ClientUpgradeRequest request = new ClientUpgradeRequest();
                request.addExtensions("permessage-deflate");
                request.setSubProtocols("chat");
                Collector collector = new Collector();
                Session session = client.connect(collector, URI.create(edge.ws("/echo")), request).get(10, TimeUnit.SECONDS);
                assertThat(session.getUpgradeResponse().getExtensions()).extracting(ExtensionConfig::getName)
                        .contains("permessage-deflate");
                assertThat(session.getUpgradeResponse().getAcceptedSubProtocol()).isEqualTo("chat");

                String big = "pier ".repeat(40_000); // 200 KB that deflates to very little
                for (int i = 0; i < 3; i++) {
                    Callback.Completable sent = new Callback.Completable();
                    session.sendText(big, sent);
                    sent.get(10, TimeUnit.SECONDS);
                    String echoed = collector.messages.poll(10, TimeUnit.SECONDS);
                    assertThat(big.equals(echoed)).as("message %d came back whole", i).isTrue();
                }
                session.close(1000, "done", Callback.NOOP);

                RequestLog log = edge.nextLog();
                assertThat(log.webSocketClientMessages()).isEqualTo(3);
                assertThat(log.clientRequestBytes()).as("compressed bytes from the client").isLessThan(20_000);
                assertThat(log.edgeResponseBytes()).as("compressed bytes to the client").isLessThan(20_000);
            } finally {
                client.stop();
            }
        }
    }
}
