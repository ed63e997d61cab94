package dev.pier.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.pier.analytics.RequestLog;
import dev.pier.analytics.UsageRegistry;
import dev.pier.config.ConfigLoader;
import dev.pier.edge.error.EdgeError;
import dev.pier.edge.error.EdgeException;
import dev.pier.edge.support.ClientConnection;
import dev.pier.edge.transport.ByteCounter;
import dev.pier.edge.transport.Transport;
import dev.pier.edge.upstream.OriginPeer;
import dev.pier.edge.upstream.UpstreamPeer;
import dev.pier.waf.WafRuntime;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The request phases and the proxy flow on an {@link EmbeddedChannel}, with no socket: the
 * upstream is an {@link EmbeddedUpstream} the test drives, so what the client reads is exactly
 * what the phases and the flow made of each upstream event.
 */
class RequestPhasesTest {

    private static final String ZONE = """
            listeners:
              - address: 127.0.0.1:0
            timeouts:
              close_grace: 2s
            zones:
              - name: example.com
                settings:
                  websockets: on
                dns_records:
                  - { type: A, name: example.com, content: 10.0.0.7 }
                rulesets:
                  - phase: http_request_firewall_custom
                    rules:
                      - id: no-admin
                        expression: 'starts_with(http.request.uri.path, "/admin")'
                        action: block
            """;

    private final List<RequestLog> logs = new ArrayList<>();
    private final UsageRegistry usage = new UsageRegistry();
    private final EmbeddedUpstream upstream = new EmbeddedUpstream();
    private EdgeContext edge;
    private EmbeddedChannel client;

    private EmbeddedChannel client(RequestPhases phases) {
        WafRuntime waf = WafRuntime.local();
        edge = new EdgeContext(EdgeContext.Snapshot.of(ConfigLoader.parse(ZONE, Path.of(".")), waf), logs::add, usage, Transport.NIO, waf);
        edge.upstream(upstream);
        RequestPhases chosen = phases == null ? new EdgePhases(edge) : phases;
        client = new ClientConnection(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ByteCounter traffic = new ByteCounter();
                ch.pipeline().addLast("traffic", traffic).addLast(Http1Connection.CODEC, new HttpServerCodec())
                        .addLast("http1", new Http1Connection(edge, chosen, "http", traffic));
            }
        });
        return client;
    }

    @AfterEach
    void release() {
        if (client != null) {
            client.finishAndReleaseAll();
        }
        if (upstream.last != null && upstream.last.tunnel != null) {
            upstream.last.tunnel.finishAndReleaseAll();
        }
    }

    @Test
    void aRequestTheWafBlocksIsAnsweredByTheEdgeAndNeverReachesTheUpstream() {
        client(null);
        String response = send("GET /admin/users HTTP/1.1\r\nHost: example.com\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 403 Forbidden\r\n").contains("A security rule of this zone blocked the request.");
        assertThat(upstream.peers).isEmpty();
        assertThat(logs).singleElement().satisfies(log -> {
            assertThat(log.edgeResponseStatus()).isEqualTo(403);
            assertThat(log.securityAction()).isEqualTo("block");
            assertThat(log.securityRuleId()).isEqualTo("no-admin");
        });
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void aValid101BecomesATunnelThatCarriesBytesBothWays() {
        client(null);
        send(upgrade());
        EmbeddedUpstream.Connection origin = upstream.last;
        assertThat(origin.peer).isEqualTo(new OriginPeer("10.0.0.7", 80, null, null, false, Duration.ofSeconds(15)));
        origin.accept();
        assertThat(upstream.heads).singleElement().satisfies(head -> {
            assertThat(head.uri()).isEqualTo("/chat");
            assertThat(head.headers().get(HttpHeaderNames.UPGRADE)).isEqualTo("websocket");
            assertThat(head.headers().get("x-forwarded-proto")).isEqualTo("http");
            assertThat(head.headers().get("pier-ray")).isNotEmpty();
        });
        DefaultHttpResponse switching = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        switching.headers().set(HttpHeaderNames.UPGRADE, "websocket").set(HttpHeaderNames.CONNECTION, "Upgrade")
                .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        origin.respond(switching);
        assertThat(read(client)).startsWith("HTTP/1.1 101 Switching Protocols\r\n");
        assertThat(client.pipeline().get(Http1Connection.class)).isNull();
        assertThat(usage.zone("example.com").upgrades()).isEqualTo(1);

        byte[] masked = {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2}; // "hi", masked, from the client
        client.writeInbound(Unpooled.wrappedBuffer(masked));
        assertThat(bytes(origin.tunnel.readOutbound())).containsExactly(masked);
        byte[] reply = {(byte) 0x81, 2, 'o', 'k'};
        origin.tunnel.writeInbound(Unpooled.wrappedBuffer(reply));
        assertThat(bytes(client.readOutbound())).containsExactly(reply);
    }

    @Test
    void a101ThatIsNotAValidHandshakeOpensNoTunnel() {
        client(null);
        send(upgrade());
        upstream.last.accept();
        upstream.last.respond(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS));
        assertThat(read(client)).startsWith("HTTP/1.1 502 Bad Gateway\r\n");
        assertThat(upstream.last.closed).isTrue();
        assertThat(client.pipeline().get(Http1Connection.class)).isNotNull();
        assertThat(logs).singleElement().satisfies(log -> assertThat(log.edgeError()).isEqualTo("ORIGIN_BAD_HANDSHAKE"));
    }

    @ParameterizedTest
    @EnumSource(names = {"ORIGIN_REFUSED", "ORIGIN_CONNECT_TIMEOUT", "ORIGIN_UNREACHABLE", "ORIGIN_TIMEOUT", "ORIGIN_TLS_FAILED",
            "ORIGIN_INVALID_CERTIFICATE", "ORIGIN_INVALID_RESPONSE", "PROHIBITED_ORIGIN"})
    void anUpstreamFailureIsAnsweredWithItsStatusAndNoDetailOfTheOrigin(EdgeError error) {
        client(null);
        send("GET /feed HTTP/1.1\r\nHost: example.com\r\n\r\n");
        // a response timeout or an unreadable response comes after connecting; the others, instead of connecting
        boolean connected = error == EdgeError.ORIGIN_TIMEOUT || error == EdgeError.ORIGIN_INVALID_RESPONSE;
        if (connected) {
            upstream.last.accept();
        }
        upstream.last.fail(EdgeException.of(error, "connect to 10.0.0.7:80: " + error));
        String response = read(client);
        assertThat(response).startsWith("HTTP/1.1 " + error.status() + " ").contains("error " + error.code() + ": " + error.sentence())
                .doesNotContain("10.0.0.7");
        assertThat(logs).singleElement().satisfies(log -> {
            assertThat(log.edgeResponseStatus()).isEqualTo(error.status());
            assertThat(log.edgeError()).isEqualTo(error.name());
        });
        client.runPendingTasks();
        // The request's end waits while there is no upstream connection: without it the connection cannot be read on.
        assertThat(client.isOpen()).as("the request was all in: the connection stays").isEqualTo(connected);
        assertThat(upstream.last.closed).isTrue();
    }

    @Test
    void anUpstreamThatClosesWithoutAResponseIs520() {
        client(null);
        send("GET /feed HTTP/1.1\r\nHost: example.com\r\n\r\n");
        upstream.last.accept();
        upstream.last.closeFromOrigin();
        assertThat(read(client)).startsWith("HTTP/1.1 520 ");
        assertThat(logs.get(0).edgeError()).isEqualTo("ORIGIN_EMPTY_RESPONSE");
    }

    @Test
    void anUpstreamResponseIsRelayedAndTheConnectionIsReused() {
        client(null);
        send("GET /a HTTP/1.1\r\nHost: example.com\r\n\r\n");
        upstream.last.accept();
        upstream.last.respond(ok("first"));
        assertThat(read(client)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("first");
        send("GET /b HTTP/1.1\r\nHost: example.com\r\n\r\n");
        upstream.last.respond(ok("second"));
        assertThat(read(client)).endsWith("second");
        assertThat(upstream.peers).as("one connection for both").hasSize(1);
        assertThat(upstream.heads).extracting(h -> h.uri()).containsExactly("/a", "/b");
        assertThat(logs).extracting(RequestLog::edgeResponseStatus).containsExactly(200, 200);
    }

    @Test
    void anExceptionInAPhaseIs500WithItsStackTraceInTheLog() {
        RequestPhases broken = new RequestPhases() {
            @Override
            public void zone(RequestContext rc) {
                throw new IllegalStateException("a bug in the zone phase");
            }

            @Override
            public UpstreamPeer upstreamPeer(RequestContext rc) {
                throw new AssertionError("never reached");
            }

            @Override
            public FullHttpResponse failToProxy(RequestContext rc, EdgeException error) {
                return ErrorResponses.render(rc.client().alloc(), error.error(), null, rc.log().rayId());
            }

            @Override
            public void logging(RequestContext rc, RequestLog record) {
                logs.add(record);
            }
        };
        Logger logger = (Logger) LoggerFactory.getLogger(ErrorLog.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            client(broken);
            String response = send("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertThat(response).startsWith("HTTP/1.1 500 Internal Server Error\r\n").containsIgnoringCase("connection: close")
                    .contains("error 500: " + EdgeError.INTERNAL.sentence()).doesNotContain("a bug");
        } finally {
            logger.detachAppender(events);
        }
        assertThat(logs).singleElement().satisfies(log -> {
            assertThat(log.edgeResponseStatus()).isEqualTo(500);
            assertThat(log.edgeError()).isEqualTo("INTERNAL");
        });
        assertThat(events.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getFormattedMessage()).contains("INTERNAL").contains(logs.get(0).rayId());
            assertThat(((ThrowableProxy) event.getThrowableProxy()).getThrowable())
                    .isInstanceOf(IllegalStateException.class).hasMessage("a bug in the zone phase");
            assertThat(event.getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
        });
        client.runPendingTasks();
        assertThat(client.isOpen()).isFalse();
    }

    private String send(String request) {
        client.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        client.runPendingTasks();
        return read(client);
    }

    private static String read(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    private static byte[] bytes(ByteBuf buf) {
        try {
            byte[] out = new byte[buf.readableBytes()];
            buf.readBytes(out);
            return out;
        } finally {
            buf.release();
        }
    }

    /** A response as an HTTP client codec delivers it: the head, then the body. */
    private static HttpObject[] ok(String body) {
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length());
        return new HttpObject[] {head, new DefaultLastHttpContent(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8))};
    }

    private static String upgrade() {
        return "GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }
}
