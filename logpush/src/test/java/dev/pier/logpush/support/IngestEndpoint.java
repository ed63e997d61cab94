package dev.pier.logpush.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.pier.config.Certificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An https Logpush destination for tests: a JDK HttpsServer on 127.0.0.1 with a self-signed
 * certificate, taking gzip NDJSON batches at {@code /ingest} and recording every line and how
 * often each RayID arrived. It can stop and start again on the same port, as an endpoint that is
 * down for a while. A request that is not a gzip POST with the expected {@code Authorization}
 * (and query, when one is expected) is recorded in {@link #problems()}.
 */
public final class IngestEndpoint implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Certificates.SelfSigned certificate;
    private final String authorization;
    private final String query;
    private final Map<String, Integer> arrived = new ConcurrentHashMap<>();
    private final List<JsonNode> lines = Collections.synchronizedList(new ArrayList<>());
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private HttpsServer server;

    /**
     * @param authorization the {@code Authorization} header every batch must carry
     * @param query the raw query every batch's URL must have, or null for any
     */
    public IngestEndpoint(Certificates.SelfSigned certificate, String authorization, String query) {
        this.certificate = certificate;
        this.authorization = authorization;
        this.query = query;
    }

    /** Starts listening on {@code port} (0: any free one); returns the port. */
    public int start(int port) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("endpoint", certificate.key(), new char[0], new Certificate[] {certificate.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/ingest", exchange -> {
            try (exchange) {
                if (!"POST".equals(exchange.getRequestMethod())
                        || !authorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))
                        || !"gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                        || query != null && !query.equals(exchange.getRequestURI().getRawQuery())) {
                    problems.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRequestHeaders());
                }
                for (String line : new String(gunzip(exchange.getRequestBody()), StandardCharsets.UTF_8).split("\n")) {
                    JsonNode json = JSON.readTree(line);
                    lines.add(json);
                    arrived.merge(json.path("RayID").asText(), 1, Integer::sum);
                }
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        return server.getAddress().getPort();
    }

    /** Stops listening: connections to the port are refused until {@link #start(int)} again. */
    public void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** How many times each RayID arrived. */
    public Map<String, Integer> arrived() {
        return arrived;
    }

    /** Every NDJSON line that arrived, in order. */
    public List<JsonNode> lines() {
        return lines;
    }

    /** The requests that were not what a Logpush job sends. */
    public List<String> problems() {
        return problems;
    }

    /** The bytes of a gzip stream. */
    public static byte[] gunzip(InputStream in) throws IOException {
        try (InputStream gz = new GZIPInputStream(in)) {
            return gz.readAllBytes();
        }
    }
}
