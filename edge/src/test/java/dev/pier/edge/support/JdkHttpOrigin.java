package dev.pier.edge.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.pier.config.Certificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A plain HTTP origin on the JDK's own server (nobody on the team wrote it), for what a fetch
 * must handle beyond a plain answer: redirects, slow and trickling answers, compressed bodies.
 *
 * <ul>
 *   <li>{@code /hello}: {@code hello}; {@code /headers}: the request's headers, one {@code name: value} a line</li>
 *   <li>{@code /method}: {@code METHOD BODY-LENGTH CONTENT-TYPE}</li>
 *   <li>{@code /redirect?n=N}: a 302 to {@code /redirect?n=N-1} (a relative Location), and {@code arrived} at 0</li>
 *   <li>{@code /found}, {@code /see-other}, {@code /temporary}: a 302, 303 and 307 to {@code /method};
 *       {@code /elsewhere?to=URL}: a 302 to that URL</li>
 *   <li>{@code /slow}: answers after 5 s; {@code /trickle}: a body of five parts, 150 ms apart</li>
 *   <li>{@code /gzip}: a gzip-encoded text; {@code /bomb?n=N}: N zero bytes, gzip-encoded;
 *       {@code /big?n=N}: N bytes</li>
 * </ul>
 */
public final class JdkHttpOrigin implements AutoCloseable {

    public final AtomicInteger requests = new AtomicInteger();
    private final HttpServer server;

    private JdkHttpOrigin(HttpServer server) {
        this.server = server;
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** A plain HTTP origin on 127.0.0.1 and an ephemeral port. */
    public static JdkHttpOrigin start() throws IOException {
        return new JdkHttpOrigin(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
    }

    /** An HTTPS origin on 127.0.0.1 with {@code certificate}. */
    public static JdkHttpOrigin startTls(Certificates.SelfSigned certificate) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("origin", certificate.key(), "secret".toCharArray(), new Certificate[] {certificate.certificate()});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "secret".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new JdkHttpOrigin(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:PORT} followed by {@code path}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        byte[] requestBody = exchange.getRequestBody().readAllBytes();
        try (exchange) {
            switch (path) {
                case "/hello" -> answer(exchange, 200, "hello");
                case "/headers" -> {
                    StringBuilder out = new StringBuilder();
                    exchange.getRequestHeaders().forEach((name, values) -> values.forEach(v ->
                            out.append(name.toLowerCase()).append(": ").append(v).append('\n')));
                    answer(exchange, 200, out.toString());
                }
                case "/method" -> answer(exchange, 200, exchange.getRequestMethod() + " " + requestBody.length + " "
                        + exchange.getRequestHeaders().getFirst("content-type"));
                case "/redirect" -> {
                    int n = Integer.parseInt(query.substring("n=".length()));
                    if (n == 0) {
                        answer(exchange, 200, "arrived");
                    } else {
                        redirect(exchange, 302, "redirect?n=" + (n - 1));
                    }
                }
                case "/found" -> redirect(exchange, 302, "/method");
                case "/see-other" -> redirect(exchange, 303, "/method");
                case "/temporary" -> redirect(exchange, 307, "/method");
                case "/elsewhere" -> redirect(exchange, 302, java.net.URLDecoder.decode(query.substring("to=".length()),
                        StandardCharsets.UTF_8));
                case "/slow" -> {
                    sleep(5000);
                    answer(exchange, 200, "late");
                }
                case "/trickle" -> {
                    exchange.sendResponseHeaders(200, 0);
                    OutputStream out = exchange.getResponseBody();
                    for (int i = 0; i < 5; i++) {
                        sleep(150);
                        out.write(("part" + i + ";").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                }
                case "/gzip" -> gzip(exchange, "decoded by fetch".getBytes(StandardCharsets.UTF_8));
                case "/bomb" -> gzip(exchange, new byte[Integer.parseInt(query.substring("n=".length()))]);
                case "/big" -> {
                    byte[] body = new byte[Integer.parseInt(query.substring("n=".length()))];
                    Arrays.fill(body, (byte) 'b');
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
                default -> answer(exchange, 404, "no such path: " + path);
            }
        } catch (IOException e) {
            // the fetch gave up and closed the connection (a timeout, a body too large)
        }
    }

    private static void answer(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "text/plain;charset=UTF-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static void redirect(HttpExchange exchange, int status, String location) throws IOException {
        exchange.getResponseHeaders().set("location", location);
        exchange.sendResponseHeaders(status, -1);
    }

    private static void gzip(HttpExchange exchange, byte[] plain) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
            out.write(plain);
        }
        exchange.getResponseHeaders().set("content-encoding", "gzip");
        exchange.sendResponseHeaders(200, compressed.size());
        exchange.getResponseBody().write(compressed.toByteArray());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
