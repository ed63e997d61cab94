package dev.pier.edge.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.pier.analytics.RequestLog;
import dev.pier.edge.security.SmugglingVectors.Vector;
import dev.pier.edge.support.TestEdge;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;

/**
 * Every vector of the smuggling corpus ({@code smuggling-vectors.txt}, at least 100) through a
 * real edge to two real origin parsers, Node.js's {@code http} module and Jetty's: for each, the
 * requests the origin's parser took are exactly the requests the WAF evaluated and let through,
 * with the same method, path and host ({@link RequestPathInvariant}). A vector the edge refuses
 * satisfies it when the origin receives nothing; a smuggled request the WAF never saw breaks it,
 * and the report names the vector, what the WAF saw, what the origin parsed and the edge's answers.
 *
 * <p>The origins run side by side in lanes, each lane an origin behind an edge of its own taking
 * a share of the vectors, vector after vector on one connection each: the client sends a vector's parts, reading the edge's answers until it closes
 * or falls silent, then closes, and the test waits until the edge has closed every origin
 * connection before it compares.
 */
class SmugglingCorpusTest {

    /** How long the edge may stay silent before the client takes the answer as complete. */
    private static final int QUIET_MILLIS = 150;
    /** Vectors wait for silence more than they work: each origin gets lanes of its own, side by side. */
    private static final int LANES_PER_ORIGIN = 3;
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3})");

    /** What one vector did through one origin. */
    record Outcome(String statuses, String violation) {
    }

    private static final Vector WARM_UP = new Vector("warm-up",
            List.of("GET /hello HTTP/1.1\r\nHost: node.t.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)), 0);

    static List<Vector> vectors;
    static final Map<String, Map<String, Outcome>> OUTCOMES = new LinkedHashMap<>();

    @BeforeAll
    static void runTheCorpusThroughBothOrigins() throws Exception {
        vectors = SmugglingVectors.load();
        assertThat(vectors).as("vectors in " + SmugglingVectors.FILE).hasSizeGreaterThanOrEqualTo(100);
        Map<String, OriginFactory> origins = new LinkedHashMap<>();
        origins.put("node", NodeOrigin::new);
        origins.put("jetty", RecordingJettyOrigin::new);
        ExecutorService lanes = Executors.newFixedThreadPool(origins.size() * LANES_PER_ORIGIN);
        try {
            Map<String, List<Future<Map<String, Outcome>>>> running = new LinkedHashMap<>();
            origins.forEach((name, factory) -> {
                for (int lane = 0; lane < LANES_PER_ORIGIN; lane++) {
                    List<Vector> share = new ArrayList<>();
                    for (int i = lane; i < vectors.size(); i += LANES_PER_ORIGIN) {
                        share.add(vectors.get(i));
                    }
                    running.computeIfAbsent(name, n -> new ArrayList<>()).add(lanes.submit(lane(factory, share)));
                }
            });
            for (var origin : running.entrySet()) {
                Map<String, Outcome> outcomes = new LinkedHashMap<>();
                for (Future<Map<String, Outcome>> lane : origin.getValue()) {
                    outcomes.putAll(lane.get());
                }
                OUTCOMES.put(origin.getKey(), outcomes);
            }
        } finally {
            lanes.shutdownNow();
        }
    }

    @AfterAll
    static void forget() {
        OUTCOMES.clear();
    }

    interface OriginFactory {
        ParsingOrigin start() throws Exception;
    }

    /** A share of the vectors, one after another, through an edge and an origin of their own. */
    private static Callable<Map<String, Outcome>> lane(OriginFactory factory, List<Vector> share) {
        return () -> {
            Map<String, Outcome> outcomes = new LinkedHashMap<>();
            try (ParsingOrigin origin = factory.start();
                 TestEdge edge = TestEdge.fromYaml(RequestPathInvariant.edgeYaml(origin.port()))) {
                Map<String, SeenRequest> earlier = new java.util.HashMap<>();
                send(WARM_UP, edge, origin, earlier); // a first request can take seconds on a busy machine
                for (Vector vector : share) {
                    outcomes.put(vector.name(), send(vector, edge, origin, earlier));
                }
            }
            return outcomes;
        };
    }

    @TestFactory
    Stream<DynamicContainer> eachOriginParsesOnlyWhatTheWafEvaluated() {
        return OUTCOMES.entrySet().stream().map(origin -> dynamicContainer(origin.getKey(), vectors.stream()
                .map(vector -> dynamicTest(vector.name(), () -> {
                    Outcome outcome = origin.getValue().get(vector.name());
                    assertThat(outcome.violation())
                            .as("vector %s (%s line %d) through the %s origin; the edge answered %s", vector.name(),
                                    SmugglingVectors.FILE, vector.line(), origin.getKey(), outcome.statuses())
                            .isNull();
                }))));
    }

    /**
     * Sends one vector on a new connection and compares, once the edge and the origin are done.
     * {@code earlier} holds what the WAF saw of the lane's earlier requests by ray id, so that a
     * request of an earlier vector that the origin took late is not counted against this one.
     */
    private static Outcome send(Vector vector, TestEdge edge, ParsingOrigin origin, Map<String, SeenRequest> earlier) throws Exception {
        ByteArrayOutputStream answers = new ByteArrayOutputStream();
        int clientPort;
        try (Socket socket = new Socket("127.0.0.1", edge.port())) {
            clientPort = socket.getLocalPort();
            socket.setSoTimeout(QUIET_MILLIS);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (byte[] part : vector.parts()) {
                try {
                    out.write(part);
                    out.flush();
                } catch (IOException closedByTheEdge) {
                    break;
                }
                if (readUntilQuiet(in, answers)) {
                    break; // the edge closed the connection
                }
            }
        }
        Seen seen = settle(edge, origin, clientPort, earlier);
        seen.logs().forEach(log -> earlier.put(log.rayId(), SeenRequest.byWaf(log)));
        return new Outcome(statuses(answers), RequestPathInvariant.violation(seen.logs(), seen.parsed()));
    }

    /** Reads until the edge closes (true) or says nothing for a while (false). */
    private static boolean readUntilQuiet(InputStream in, ByteArrayOutputStream answers) throws IOException {
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                answers.write(buffer, 0, n);
            }
            return true;
        } catch (SocketTimeoutException quiet) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** What the edge logged and the origin parsed for one vector. */
    private record Seen(List<RequestLog> logs, List<SeenRequest> parsed) {
    }

    /**
     * Waits until the edge has logged this connection (every vector sends bytes, so the edge logs
     * at least one record; records of earlier connections that come late are left out), the
     * origin has no connection left (the edge closes its origin connections when the
     * client's closes, and an origin reports what it parsed before the close), nothing more has
     * arrived for a while (the log is written on another thread), and the log has a record for each
     * request the origin parsed, or two seconds have passed since the first record. A request the
     * origin parsed that carries the ray id and the method, path and host of an earlier vector's
     * request is that vector's, late (a busy origin can take it after the connection closed).
     */
    private static Seen settle(TestEdge edge, ParsingOrigin origin, int clientPort, Map<String, SeenRequest> earlier)
            throws InterruptedException {
        List<RequestLog> logs = new ArrayList<>();
        List<SeenRequest> parsed = new ArrayList<>();
        List<RequestLog> arrived = new ArrayList<>();
        long deadline = System.nanoTime() + 20_000_000_000L;
        long firstLog = 0;
        int quietPolls = 0;
        while (System.nanoTime() < deadline) {
            Thread.sleep(25);
            int before = logs.size() + parsed.size();
            edge.logs.drainTo(arrived);
            for (RequestLog log : arrived) {
                if (log.clientSrcPort() == clientPort) {
                    logs.add(log);
                } else {
                    earlier.put(log.rayId(), SeenRequest.byWaf(log)); // an earlier connection's, late
                }
            }
            arrived.clear();
            for (ParsingOrigin.Parsed request : origin.takeParsed()) {
                if (!request.request().equals(earlier.get(request.rayId()))) {
                    parsed.add(request.request());
                }
            }
            if (logs.isEmpty()) {
                continue;
            }
            firstLog = firstLog == 0 ? System.nanoTime() : firstLog;
            quietPolls = logs.size() + parsed.size() == before && origin.openConnections() == 0 ? quietPolls + 1 : 0;
            boolean caughtUp = RequestPathInvariant.letThroughByWaf(logs).size() >= parsed.size();
            if (quietPolls >= 3 && (caughtUp || System.nanoTime() - firstLog > 2_000_000_000L)) {
                break;
            }
        }
        return new Seen(logs, parsed);
    }

    private static String statuses(ByteArrayOutputStream answers) {
        Matcher status = STATUS.matcher(answers.toString(StandardCharsets.ISO_8859_1));
        List<String> found = new ArrayList<>();
        while (status.find()) {
            found.add(status.group(1));
        }
        return found.isEmpty() ? "nothing" : String.join(", ", found);
    }
}
