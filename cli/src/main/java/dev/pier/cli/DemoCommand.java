package dev.pier.cli;

import dev.pier.cli.control.ControlPlane;
import dev.pier.cli.demo.EchoOrigin;
import dev.pier.config.ConfigLoader;
import dev.pier.config.PierConfig;
import dev.pier.control.StoredZones;
import dev.pier.control.api.Permission;
import dev.pier.control.store.PrivateDirectory;
import dev.pier.config.Certificates;
import dev.pier.edge.transport.PortReservation;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Stream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pier demo}: the edge on 127.0.0.1:8080 in front of a built-in echo origin, with no
 * setup, and the control plane on 127.0.0.1:8081 (Cloudflare's API over an embedded store in
 * the data folder). The first run imports the demo's zones into the store; later runs keep
 * what was changed through the API. Each run prints a fresh API token with every permission.
 * A second {@code pier demo} on the same data folder takes over from a running one, as a second
 * {@code pier serve} does (docs/OPERATIONS.md).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the edge in front of a built-in echo origin, with no setup.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "Edge port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--admin-port", defaultValue = "8081", description = "Admin/metrics port (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--tls-port", defaultValue = "8443", description = "TLS (https/wss) port (default: ${DEFAULT-VALUE}).")
    int tlsPort;

    @Option(names = "--origin-port", defaultValue = "8082", description = "Port of the built-in echo origin (default: ${DEFAULT-VALUE}).")
    int originPort;

    @Option(names = "--data", defaultValue = "pier-data", paramLabel = "DIR",
            description = "Where the demo keeps its config and request log (default: ${DEFAULT-VALUE}).")
    Path data;

    @Override
    public Integer call() throws Exception {
        PrivateDirectory.secure(data); // the store, its key and the demo's TLS key live here: 0700
        ensureCertificate(data);
        Path configFile = data.resolve("demo.yaml").toAbsolutePath();
        Takeover takeover = new Takeover(Path.of(configFile + ".pid"));
        List<InetSocketAddress> addresses = Stream.of(port, tlsPort, adminPort, originPort)
                .map(p -> new InetSocketAddress("127.0.0.1", p)).toList();
        // A demo already running on this data folder is taken over as `pier serve` is: every port
        // is held first (none listening), then the store is opened beside the running demo's
        // (docs/OPERATIONS.md), and only then does anything listen.
        try (PortReservation ports = PortReservation.hold(addresses);
                ControlPlane control = ControlPlane.open("embedded:" + data.toAbsolutePath())) {
            EchoOrigin origin = EchoOrigin.start("127.0.0.1", originPort);
            try {
                Files.writeString(configFile, demoConfig(port, tlsPort, adminPort, origin.port()));
                ConfigWatcher watcher = new ConfigWatcher(configFile, true);
                try {
                    return run(control, ConfigLoader.load(configFile), configFile, watcher, takeover, ports, origin);
                } finally {
                    watcher.close();
                }
            } finally {
                origin.close(); // the shutdown hook or the drain closed it already, unless the start failed
            }
        }
    }

    private int run(ControlPlane control, PierConfig config, Path configFile, ConfigWatcher watcher, Takeover takeover,
            PortReservation ports, EchoOrigin origin) throws Exception {
        if (control.store().zones("localhost", 1, 1).items().isEmpty()) {
            StoredZones.importYaml(configFile, control.store(), "pier demo"); // first run: the demo's zones
        }
        String zoneId = control.store().zones("localhost", 1, 1).items().get(0).id();
        // one demo token at a time: the previous run's stops working when this one is made
        control.store().tokens().stream().filter(t -> t.name().equals(DEMO_TOKEN))
                .forEach(t -> control.store().deleteToken(t.id(), DEMO_TOKEN));
        String token = control.api().credentials().issueToken(DEMO_TOKEN, EnumSet.allOf(Permission.class), Set.of(), DEMO_TOKEN);
        // printed once the edge listens, so that what it says can be used at once
        Runnable banner = () -> {
            PrivateDirectory.secureNewFiles(data); // what this run wrote there (its config, pid file, request log) is private too
            printBanner(port, adminPort, configFile, config, tlsPort, zoneId, token);
        };
        Sidecar echo = Sidecar.of(origin);
        return ServeCommand.runUntilStopped(config, configFile, watcher, takeover, ports, control, echo, banner);
    }

    private void printBanner(int port, int adminPort, Path configFile, PierConfig config, int tlsPort, String zoneId, String token) {
        System.out.printf("""
                Pier demo is running.
                  edge       http://localhost:%1$d/   (ws://localhost:%1$d/ proxies to a built-in echo origin)
                  edge TLS   https://localhost:%5$d/  (wss://, self-signed certificate in %6$s)
                  dashboard  http://127.0.0.1:%2$d/dashboard/   (sign in with the API token below)
                  API        http://127.0.0.1:%2$d/client/v4/   (Cloudflare's v4 API; zone localhost is %7$s)
                  metrics    http://127.0.0.1:%2$d/metrics   (Prometheus; send the API token below as a bearer token)
                  store      %8$s   (zones, settings and rules; they survive restarts)
                  request log %4$s
                  chat       http://localhost:%1$d/chat/lobby   (a Java Worker and a Durable Object per room; open it in two tabs)
                API token: %9$s

                Try:
                  ./pier wscat -c ws://localhost:%1$d/
                  ./pier wscat -c ws://localhost:%1$d/chat/lobby
                  ./pier wscat -n -c wss://localhost:%5$d/
                  curl -i http://localhost:%1$d/hello
                  curl -s http://127.0.0.1:%2$d/metrics -H "Authorization: Bearer %9$s"
                  curl -X PATCH http://127.0.0.1:%2$d/client/v4/zones/%7$s/settings/websockets \\
                       -H "Authorization: Bearer %9$s" -H "Content-Type: application/json" -d '{"value":"off"}'
                Stop with Ctrl+C.
                %n""", port, adminPort, configFile, config.requestLog(), tlsPort, data.resolve(CERTIFICATE).toAbsolutePath(),
                zoneId, data.toAbsolutePath(), token);
    }

    static final String CERTIFICATE = "localhost.pem";
    static final String DEMO_TOKEN = "pier demo";
    static final String KEY = "localhost.key";

    /** Makes the demo's self-signed certificate on first run; later runs keep using it. */
    static void ensureCertificate(Path data) throws java.io.IOException {
        if (!Files.exists(data.resolve(CERTIFICATE)) || !Files.exists(data.resolve(KEY))) {
            Certificates.selfSigned("localhost", "127.0.0.1").write(data.resolve(CERTIFICATE), data.resolve(KEY));
        }
    }

    static String demoConfig(int port, int tlsPort, int adminPort, int originPort) {
        return """
                # Written by `pier demo`. Edit it while the demo runs: changes apply to new requests.
                listeners:
                  - address: 127.0.0.1:%1$d
                  - address: 127.0.0.1:%4$d
                    tls: on
                tls:
                  # clients that send no SNI (an IP address) get the demo certificate too
                  default_certificate: { certificate: localhost.pem, key: localhost.key }
                  unknown_sni: default
                admin:
                  address: 127.0.0.1:%2$d
                request_log: requests.ndjson
                analytics: {}   # every record in an embedded store (analytics.duckdb): the dashboard's Analytics tab, GraphQL (docs/ANALYTICS.md)
                workers:   # Java Workers on Pier's classpath (docs/WORKERS.md)
                  - name: chat
                    class: dev.pier.examples.workers.ChatWorker
                    durable_objects:
                      - { binding: ROOMS, class: dev.pier.examples.workers.ChatRoom }   # a Durable Object per room
                      - { binding: LIMITERS, class: dev.pier.examples.workers.RateLimiter }   # one per client IP: 10 joins, 10 messages, then one a second
                zones:
                  - name: localhost
                    settings:
                      websockets: on
                      idle_timeout: 100s
                      # HSTS on https://localhost:%4$d; a short max_age, so a browser forgets it soon after the demo
                      security_header: { strict_transport_security: { enabled: true, max_age: 300, nosniff: true } }
                    dns_records:
                      - { type: A, name: localhost, content: 127.0.0.1 }
                    certificates:
                      - { certificate: localhost.pem, key: localhost.key }   # self-signed, made on first run
                    workers_routes:
                      - { pattern: "localhost/chat/*", script: chat }   # a chat room per name: /chat/lobby
                    rulesets:
                      - phase: http_request_origin   # the built-in echo origin
                        rules:
                          - { expression: 'http.host eq "localhost"', action: route, action_parameters: { origin: { port: %3$d } } }
                      - phase: http_ratelimit         # 100 upgrades per 10 s per client, then 429
                        rules:
                          - expression: any(http.request.headers["upgrade"][*] eq "websocket")
                            action: block
                            ratelimit: { characteristics: [cf.colo.id, ip.src], period: 10, requests_per_period: 100 }
                      - phase: http_request_firewall_managed   # Pier's OWASP Core Ruleset (docs/WAF.md)
                        rules:
                          - { expression: "true", action: execute, action_parameters: { id: 4814384a9e5d4991b9815dcfc25d2f1f } }
                  - name: 127.0.0.1
                    dns_records:
                      - { type: A, name: 127.0.0.1, content: 127.0.0.1 }
                    rulesets:
                      - phase: http_request_origin
                        rules:
                          - { expression: 'http.host eq "127.0.0.1"', action: route, action_parameters: { origin: { port: %3$d } } }
                """.formatted(port, adminPort, originPort, tlsPort);
    }
}
