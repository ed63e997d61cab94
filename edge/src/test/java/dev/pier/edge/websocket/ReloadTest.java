package dev.pier.edge.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.RawHttp;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import org.junit.jupiter.api.Test;

/** A reload changes what new requests see and leaves open connections alone. */
class ReloadTest {

    @Test
    void reloadAppliesToNewUpgradesAndKeepsOpenConnections() throws Exception {
        try (JettyOrigin origin = new JettyOrigin();
             TestEdge edge = TestEdge.toOrigin(origin.port())) {
            WsClient open = WsClient.connect(edge.ws("/echo"));
            open.socket.sendText("before reload", true).join();
            assertThat(open.next()).isEqualTo("text:before reload");

            edge.reload(TestEdge.zoneYaml("localhost", origin.port(), "websockets: off"));

            String refused = RawHttp.exchange(edge.port(), RawHttp.upgrade("/echo", "localhost"));
            assertThat(refused).startsWith("HTTP/1.1 403");
            open.socket.sendText("after reload", true).join();
            assertThat(open.next()).isEqualTo("text:after reload");

            edge.reload(TestEdge.zoneYaml("localhost", origin.port(), "websockets: on"));
            WsClient again = WsClient.connect(edge.ws("/echo"));
            again.socket.sendText("on again", true).join();
            assertThat(again.next()).isEqualTo("text:on again");
            open.socket.sendText("still the first", true).join();
            assertThat(open.next()).isEqualTo("text:still the first");
            open.socket.sendClose(1000, "").join();
            again.socket.sendClose(1000, "").join();
        }
    }
}
