package dev.pier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.cli.demo.EchoOrigin;
import dev.pier.config.ConfigLoader;
import dev.pier.config.PierConfig;
import dev.pier.edge.Edge;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's pieces together: its generated config, the echo origin and the edge in front of it. */
class DemoTest {

    @Test
    void demoConfigRoutesLocalhostAnd127001ToTheEchoOrigin(@TempDir Path dir) throws Exception {
        try (EchoOrigin origin = EchoOrigin.start("127.0.0.1", 0)) {
            DemoCommand.ensureCertificate(dir);
            Path file = Files.writeString(dir.resolve("demo.yaml"), DemoCommand.demoConfig(0, 0, 0, origin.port()));
            PierConfig config = ConfigLoader.load(file);
            assertThat(config.requestLog()).isEqualTo(dir.resolve("requests.ndjson"));
            dev.pier.workers.runtime.WorkerRuntime workers = new dev.pier.workers.runtime.WorkerRuntime(DemoTest.class.getClassLoader());
            try (Edge edge = Edge.start(config, null, java.util.List.of(), null, c -> workers.deploy(c.workers(), c.durableObjects()))) {
                int port = edge.listenerAddress(0).getPort();
                for (String host : new String[] {"localhost", "127.0.0.1"}) {
                    BlockingQueue<String> events = new LinkedBlockingQueue<>();
                    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                            .buildAsync(URI.create("ws://" + host + ":" + port + "/"), recorder(events)).get(10, TimeUnit.SECONDS);
                    ws.sendText("hello demo", true).join();
                    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("text:hello demo");
                    ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
                    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("binary:3");
                    ws.sendClose(4321, "see you").join();
                    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("close:4321 see you"); // echoed as sent
                }
                // wss:// on the TLS listener, with the self-signed certificate the demo made
                javax.net.ssl.SSLContext trusting = trusting(dev.pier.config.Certificates.read(dir.resolve("localhost.pem")).get(0));
                int tlsPort = edge.listenerAddress(1).getPort();
                for (String host : new String[] {"localhost", "127.0.0.1"}) {
                    BlockingQueue<String> events = new LinkedBlockingQueue<>();
                    WebSocket wss = HttpClient.newBuilder().sslContext(trusting).build().newWebSocketBuilder()
                            .buildAsync(URI.create("wss://" + host + ":" + tlsPort + "/"), recorder(events)).get(10, TimeUnit.SECONDS);
                    wss.sendText("over tls", true).join();
                    assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("text:over tls");
                    wss.sendClose(1000, "").join();
                    assertThat(events.poll(10, TimeUnit.SECONDS)).startsWith("close:1000");
                }
                HttpResponse<String> page = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/hello")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(page.body()).startsWith("Pier demo echo origin: GET /hello");
                assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
                assertThat(page.headers().firstValue("strict-transport-security")).as("never over plain HTTP").isEmpty();
                // the demo zone has HSTS on (security_header), with a short max age
                HttpResponse<String> secure = HttpClient.newBuilder().sslContext(trusting).build().send(
                        HttpRequest.newBuilder(URI.create("https://localhost:" + tlsPort + "/hello")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(secure.headers().firstValue("strict-transport-security")).hasValue("max-age=300");
                // the chat room: a Java Worker's page, and its WebSocket to the room's Durable Object
                HttpResponse<String> chat = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/chat/lobby")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(chat.statusCode()).isEqualTo(200);
                assertThat(chat.body()).contains("<h1>Room lobby</h1>");
                BlockingQueue<String> said = new LinkedBlockingQueue<>();
                WebSocket member = HttpClient.newHttpClient().newWebSocketBuilder()
                        .buildAsync(URI.create("ws://localhost:" + port + "/chat/lobby?name=visitor"), recorder(said)).get(10, TimeUnit.SECONDS);
                assertThat(said.poll(10, TimeUnit.SECONDS)).isEqualTo("text:* visitor joined");
                member.sendText("hello room", true).join();
                assertThat(said.poll(10, TimeUnit.SECONDS)).isEqualTo("text:visitor: hello room");
                member.sendClose(1000, "").join();
                assertThat(said.poll(10, TimeUnit.SECONDS)).startsWith("close:1000");
            }
            assertThat(Files.readAllLines(dir.resolve("requests.ndjson"))).hasSize(8);
            assertThat(dir.resolve("durable-objects")).as("the room's storage, beside the demo's file").isDirectory();
        }
    }

    static javax.net.ssl.SSLContext trusting(java.security.cert.X509Certificate certificate) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("demo", certificate);
        javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    static WebSocket.Listener recorder(BlockingQueue<String> events) {
        return new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                events.add("text:" + data);
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                events.add("binary:" + data.remaining());
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                events.add("close:" + code + " " + reason);
                return null;
            }
        };
    }
}
