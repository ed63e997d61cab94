package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.NodeWebSockets;
import dev.pier.analytics.store.AnalyticsStore;
import dev.pier.analytics.store.StoreShippingSink;
import dev.pier.cli.demo.EchoOrigin;
import dev.pier.config.Certificates;
import dev.pier.config.ConfigLoader;
import dev.pier.config.PierConfig;
import dev.pier.control.StoredZones;
import dev.pier.control.api.Permission;
import dev.pier.edge.Edge;
import dev.pier.workers.runtime.WorkerRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;

/**
 * An edge with its control plane in this process, on an embedded store in {@code dir}: one zone
 * {@code 127.0.0.1} in front of an echo origin, an API token with every permission, and the
 * file's Worker {@code greeting} ({@link GreetingWorker}) deployed as {@code pier serve} deploys
 * Workers, for routes made through the API, and the store's JavaScript Workers ({@link dev.pier.cli.JavaScriptLoader}).
 */
final class TestControlPlane implements AutoCloseable {

    final Path dir;
    final EchoOrigin origin;
    final ControlPlane control;
    final Edge edge;
    /** The Workers runtime the edge deploys the store's scripts to. */
    final WorkerRuntime runtime;
    final String token;
    final String zoneId;
    /** Where the edge ships its records with analytics on; null when they are off. */
    final StoreShippingSink shipping;
    private final HttpClient http = HttpClient.newHttpClient();

    TestControlPlane(Path dir) throws Exception {
        this(dir, false);
    }

    /**
     * @param tls whether the node also has a TLS listener (the second), whose default certificate
     *            is a self-signed one for {@code default.test}
     */
    TestControlPlane(Path dir, boolean tls) throws Exception {
        this(dir, tls, "embedded:" + dir);
    }

    /** @param store the store's URL, as {@code --store} takes it: {@code embedded:DIR} or a PostgreSQL JDBC URL */
    TestControlPlane(Path dir, boolean tls, String store) throws Exception {
        this(dir, tls, store, null);
    }

    /**
     * With analytics on: the edge ships its records to {@code analytics} (through a spool in
     * {@code dir}), and the GraphQL Analytics API answers from it. The caller closes the store.
     */
    TestControlPlane(Path dir, AnalyticsStore analytics) throws Exception {
        this(dir, false, "embedded:" + dir, analytics);
    }

    private TestControlPlane(Path dir, boolean tls, String store, AnalyticsStore analytics) throws Exception {
        this(dir, tls, store, analytics, "");
    }

    /** With Durable Objects stored in {@code dir/objects}, as a node whose file has {@code durable_objects: storage}. */
    static TestControlPlane withDurableObjects(Path dir) throws Exception {
        return new TestControlPlane(dir, false, "embedded:" + dir, null, "durable_objects: { storage: objects }\n");
    }

    /** With Durable Objects stored in {@code dir/objects}, and {@code keys} of {@code durable_objects} besides ({@code hibernate_after: 1s}). */
    static TestControlPlane withDurableObjects(Path dir, String keys) throws Exception {
        return new TestControlPlane(dir, false, "embedded:" + dir, null, "durable_objects: { storage: objects, " + keys + " }\n");
    }

    private TestControlPlane(Path dir, boolean tls, String store, AnalyticsStore analytics, String nodeYaml) throws Exception {
        this.dir = dir;
        origin = EchoOrigin.start("127.0.0.1", 0);
        if (tls) {
            Certificates.selfSigned("default.test").write(dir.resolve("default.pem"), dir.resolve("default.key"));
        }
        Path file = Files.writeString(dir.resolve("pier.yaml"), (tls ? """
                listeners: [ { address: 127.0.0.1:0 }, { address: 127.0.0.1:0, tls: on } ]
                tls: { default_certificate: { certificate: default.pem, key: default.key } }
                """ : """
                listeners: [ { address: 127.0.0.1:0 } ]
                """) + """
                admin: { address: 127.0.0.1:0 }
                request_log: requests.ndjson
                workers: [ { name: greeting, class: dev.pier.cli.control.GreetingWorker } ]
                """ + nodeYaml + zoneInFrontOf(origin.port()));
        control = ControlPlane.open(store);
        control.api().analytics(analytics);
        shipping = analytics == null ? null : new StoreShippingSink(analytics, dir.resolve("analytics-spool"));
        StoredZones.importYaml(file, control.store(), "test");
        zoneId = control.store().zones("127.0.0.1", 1, 1).items().get(0).id();
        token = control.api().credentials().issueToken("test", EnumSet.allOf(Permission.class), Set.of(), "test");
        PierConfig fileConfig = ConfigLoader.load(file);
        long change = control.store().lastChange();
        runtime = new WorkerRuntime(TestControlPlane.class.getClassLoader(), List.of(new dev.pier.cli.JavaScriptLoader()));
        edge = Edge.start(control.config(fileConfig), control.recordSink(shipping), control.routes(), control.metricsReaders(),
                new dev.pier.cli.RuntimeDeployer(runtime));
        control.api().liveWebSockets(new NodeWebSockets("test-node", edge.usage())); // as pier serve without a shared store
        control.follow(edge, change);
    }

    /** The test zone {@code 127.0.0.1}, every request routed to the origin on {@code originPort}, as YAML. */
    static String zoneInFrontOf(int originPort) {
        return """
                zones:
                  - name: 127.0.0.1
                    dns_records: [ { type: A, name: 127.0.0.1, content: 127.0.0.1 } ]
                    rulesets:
                      - phase: http_request_origin
                        rules: [ { expression: "true", action: route, action_parameters: { origin: { port: %d } } } ]
                """.formatted(originPort);
    }

    int adminPort() {
        return edge.adminAddress().getPort();
    }

    WebSocket connect(WebSocket.Listener listener) {
        return http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + edge.listenerAddress(0).getPort() + "/"), listener)
                .join();
    }

    boolean upgradeRefused() {
        try {
            connect(new WebSocket.Listener() {
            }).abort();
            return false;
        } catch (CompletionException e) {
            return true;
        }
    }

    /** The status of a plain GET through the edge. */
    int status(String path) {
        return get(path).statusCode();
    }

    /** A plain GET through the edge. */
    HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.listenerAddress(0).getPort() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits for {@code condition} to hold, which it must within a second of {@code sinceNanos}
     * (taken when the change's write returned).
     */
    static void awaitWithinASecond(long sinceNanos, BooleanSupplier condition) throws InterruptedException {
        awaitWithin(Duration.ofSeconds(1), sinceNanos, condition);
    }

    /**
     * Waits for {@code condition}; fails when a probe begun {@code within} after {@code sinceNanos}
     * still finds it false. A probe is judged by when it began, so a slow probe (a handshake on a
     * busy machine) that saw the change in time counts as in time.
     */
    static void awaitWithin(Duration within, long sinceNanos, BooleanSupplier condition) throws InterruptedException {
        while (true) {
            long probe = System.nanoTime();
            if (condition.getAsBoolean()) {
                return;
            }
            assertThat(Duration.ofNanos(probe - sinceNanos)).as("still not so after").isLessThan(within);
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        edge.close();
        if (shipping != null) {
            shipping.close();
        }
        control.close();
        origin.close();
    }
}
