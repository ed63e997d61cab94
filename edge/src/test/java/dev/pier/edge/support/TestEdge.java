package dev.pier.edge.support;

import dev.pier.analytics.RequestLog;
import dev.pier.config.ConfigLoader;
import dev.pier.config.PierConfig;
import dev.pier.edge.Edge;
import dev.pier.edge.ScriptDeployer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real edge on an ephemeral port, configured from YAML like production, whose finished
 * request logs are also collected in memory for assertions (and written to a real NDJSON file).
 */
public final class TestEdge implements AutoCloseable {

    public final Edge edge;
    public final Path dir;
    public final BlockingQueue<RequestLog> logs = new LinkedBlockingQueue<>();

    private TestEdge(PierConfig config, Path dir, ScriptDeployer workers) {
        this.dir = dir;
        this.edge = Edge.start(config, logs::add, List.of(), null, workers);
    }

    /** An edge with one zone {@code localhost} (also {@code *.localhost}) routed to {@code originPort}. */
    public static TestEdge toOrigin(int originPort) {
        return fromYaml(zoneYaml("localhost", originPort, ""));
    }

    /** YAML for one zone; {@code settings} is inserted under the zone's settings key. */
    public static String zoneYaml(String zone, int originPort, String settings) {
        return """
                listeners:
                  - address: 127.0.0.1:0
                admin:
                  address: 127.0.0.1:0
                request_log: requests.ndjson
                timeouts:
                  origin_connect: 2s
                  origin_response: 5s
                  close_grace: 2s
                zones:
                  - name: %1$s
                    settings:
                      websockets: on
                %3$s
                    dns_records:
                      - { type: A, name: %1$s, content: 127.0.0.1 }
                      - { type: CNAME, name: "*.%1$s", content: 127.0.0.1 }
                    rulesets:
                      - phase: http_request_origin
                        rules:
                          - { expression: 'http.host eq "%1$s"', action: route, action_parameters: { origin: { port: %2$d } } }
                """.formatted(zone, originPort, settings.indent(6).stripTrailing());
    }

    public static TestEdge fromYaml(String yaml) {
        return fromYaml(yaml, ScriptDeployer.NONE);
    }

    /** An edge whose Workers {@code workers} deploys. */
    public static TestEdge fromYaml(String yaml, ScriptDeployer workers) {
        try {
            Path dir = Files.createTempDirectory("pier-test");
            return new TestEdge(ConfigLoader.parse(yaml, dir), dir, workers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An edge from a configuration file; relative paths in it resolve against its folder. */
    public static TestEdge fromFile(Path file) {
        return new TestEdge(ConfigLoader.load(file), file.toAbsolutePath().getParent(), ScriptDeployer.NONE);
    }

    public void reload(String yaml) {
        edge.reload(ConfigLoader.parse(yaml, dir));
    }

    public int port() {
        return edge.listenerAddress(0).getPort();
    }

    public String ws(String path) {
        return "ws://localhost:" + port() + path;
    }

    public String http(String path) {
        return "http://localhost:" + port() + path;
    }

    /** The next finished request log, waiting up to 10 s. */
    public RequestLog nextLog() throws InterruptedException {
        RequestLog log = logs.poll(10, TimeUnit.SECONDS);
        if (log == null) {
            throw new AssertionError("no request log record within 10 s");
        }
        return log;
    }

    /** Waits a little and returns every log record that arrived. */
    public List<RequestLog> drainLogs(Duration settle) throws InterruptedException {
        Thread.sleep(settle.toMillis());
        List<RequestLog> out = new ArrayList<>();
        logs.drainTo(out);
        return out;
    }

    public Path requestLogFile() {
        return dir.resolve("requests.ndjson");
    }

    @Override
    public void close() {
        edge.close();
    }
}
