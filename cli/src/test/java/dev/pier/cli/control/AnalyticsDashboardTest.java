package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.analytics.RequestLog;
import dev.pier.analytics.store.AnalyticsQuery;
import dev.pier.analytics.store.AnalyticsStore;
import dev.pier.analytics.store.Dimension;
import dev.pier.analytics.store.Filter;
import dev.pier.analytics.store.Retention;
import dev.pier.analytics.store.TrafficRow;
import dev.pier.edge.support.Chromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.net.http.WebSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;

/**
 * The dashboard's Traffic Analytics in headless Chromium: a control plane with analytics on (an
 * embedded DuckDB store), records with known figures put in the store across a month and requests
 * sent through the edge; the Analytics tab's totals and top lists, for each range of the picker,
 * and the Overview's last 24 hours are read off the page and must be those figures. Screenshots
 * are kept in {@code target/screenshots/analytics-*.png}.
 */
class AnalyticsDashboardTest extends DashboardBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String ZONE = "127.0.0.1";
    private static final int THROUGH_THE_EDGE = 4;


    @TempDir
    Path dir;
    private int rays;

    @BeforeAll
    static void largeWindow() {
        chromium.driver().manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1800));
    }

    /** What one range of the picker must show. */
    record Expected(String range, long requests, long upgrades, long threats, long bytes) {
    }

    @Test
    void theAnalyticsTabShowsTheStoresFiguresForEachRange() throws Exception {
        try (AnalyticsStore store = AnalyticsStore.open(dir.resolve("analytics.duckdb").toString(), dir, Retention.DEFAULT);
             TestControlPlane plane = new TestControlPlane(dir, store)) {
            Instant now = Instant.now();
            List<RequestLog> records = new ArrayList<>();
            // 10 minutes ago: plain requests, two blocked, three WebSockets closed by their clients
            Instant a = now.minus(Duration.ofMinutes(10));
            repeat(6, () -> records.add(plain(a, ZONE, "/api", 200, 1_000)));
            repeat(2, () -> records.add(blocked(a, "/admin", 500)));
            repeat(3, () -> records.add(webSocket(a, ZONE, 1000, RequestLog.ClosedBy.client, 2_000)));
            // 3 hours ago, on another host; one WebSocket whose client dropped TCP
            Instant b = now.minus(Duration.ofHours(3));
            repeat(4, () -> records.add(plain(b, "feeds.example.test", "/feed", 200, 10_000)));
            records.add(webSocket(b, "feeds.example.test", 1006, RequestLog.ClosedBy.client, 5_000));
            // 12 hours, 3 days and 20 days ago
            Instant c = now.minus(Duration.ofHours(12));
            repeat(5, () -> records.add(plain(c, ZONE, "/feed", 404, 300)));
            Instant d = now.minus(Duration.ofDays(3));
            repeat(20, () -> records.add(plain(d, ZONE, "/old", 200, 1_000_000)));
            Instant e = now.minus(Duration.ofDays(20));
            repeat(7, () -> records.add(webSocket(e, ZONE, 1001, RequestLog.ClosedBy.edge, 100_000)));
            assertThat(store.insert(records)).isEqualTo(records.size());

            // and requests through the edge, shipped to the store as pier serve ships them
            for (int i = 0; i < THROUGH_THE_EDGE; i++) {
                assertThat(plane.status("/through-the-edge")).isEqualTo(200);
            }
            // a record is handed on once its response is sent: the client may have it first
            AnalyticsQuery throughTheEdge = AnalyticsQuery.builder(ZONE, now.minus(Duration.ofHours(1)), Instant.now().plusSeconds(1))
                    .filter(Filter.eq(Dimension.PATH, "/through-the-edge")).build();
            wait.until(driver -> store.traffic(throughTheEdge).stream().mapToLong(TrafficRow::requests).sum() == THROUGH_THE_EDGE);
            long edgeBytes = store.traffic(throughTheEdge).stream().mapToLong(TrafficRow::edgeResponseBytes).sum();
            assertThat(edgeBytes).isPositive();
            // the same bytes as the request log's (written by a thread of its own)
            wait.until(driver -> edgeResponseBytes(plane.dir.resolve("requests.ndjson"), "/through-the-edge") == edgeBytes);

            // the edge's requests carry the listener's port in their Host
            String edgeHost = ZONE + ":" + plane.edge.listenerAddress(0).getPort();
            long recent = 6_000 + 1_000 + 6_000 + edgeBytes;
            List<Expected> ranges = List.of(
                    new Expected("30m", 11 + THROUGH_THE_EDGE, 3, 2, recent),
                    new Expected("6h", 16 + THROUGH_THE_EDGE, 4, 2, recent + 45_000),
                    new Expected("24h", 21 + THROUGH_THE_EDGE, 4, 2, recent + 46_500),
                    new Expected("7d", 41 + THROUGH_THE_EDGE, 4, 2, recent + 20_046_500),
                    new Expected("30d", 48 + THROUGH_THE_EDGE, 11, 2, recent + 20_746_500));

            // a WebSocket open through the edge, one message each way so far
            CompletableFuture<CharSequence> echoed = new CompletableFuture<>();
            WebSocket open = plane.connect(new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                    echoed.complete(data);
                    return null;
                }
            });
            open.sendText("hello", true);
            assertThat(echoed.get(10, TimeUnit.SECONDS).toString()).isEqualTo("hello");

            signIn(plane);
            // the Overview's glance: the last 24 hours
            wait.until(driver -> !driver.findElements(By.cssSelector("#glance-requests .stat-value")).isEmpty());
            assertThat(value("#glance-requests")).isEqualTo(ranges.get(2).requests());
            assertThat(value("#glance-upgrades")).isEqualTo(4);
            assertThat(value("#glance-threats")).isEqualTo(2);
            assertThat(value("#glance-bandwidth")).isEqualTo(recent + 46_500);
            assertThat(chromium.driver().findElements(By.cssSelector("#glance-chart canvas"))).hasSize(1);
            screenshot("analytics-overview");

            clickable("#tab-analytics").click();
            for (Expected expected : ranges) {
                clickable("#range-" + expected.range()).click();
                clickable("#range-" + expected.range() + ".active");
                wait.until(driver -> !driver.findElements(By.cssSelector("#total-requests .stat-value")).isEmpty());
                assertThat(value("#total-requests")).as(expected.range()).isEqualTo(expected.requests());
                assertThat(value("#total-upgrades")).as(expected.range()).isEqualTo(expected.upgrades());
                assertThat(value("#total-threats")).as(expected.range()).isEqualTo(expected.threats());
                assertThat(value("#total-bandwidth")).as(expected.range()).isEqualTo(expected.bytes());
                assertThat(text("#total-requests .stat-value")).isEqualTo(String.format("%,d", expected.requests()));
                assertThat(chromium.driver().findElements(By.cssSelector("#chart-requests canvas, #chart-bandwidth canvas"))).hasSize(2);
            }

            // open now: the WebSocket above, with its counters so far
            wait.withMessage(() -> "open now: " + text("#open-now"))
                    .until(driver -> !driver.findElements(By.cssSelector("#open-now table")).isEmpty());
            assertThat(value("#total-open")).isEqualTo(1);
            assertThat(rows("#open-now")).hasSize(1).first().satisfies(row -> {
                assertThat(row.get(0)).isEqualTo("127.0.0.1");
                assertThat(row.subList(1, 3)).containsExactly(edgeHost, "/");
                assertThat(row.get(4)).isEqualTo("1 / 1");
                assertThat(row.get(6)).isEqualTo("test-node");
            });
            assertThat(text("#open-now-count")).startsWith("1 open, 2 messages");

            // the top lists, over 30 days (the range last picked)
            wait.until(driver -> !driver.findElements(By.cssSelector("#top-close-codes table")).isEmpty());
            assertThat(rows("#top-paths")).containsExactly(
                    List.of("/old", "20", "20.0 MB"), List.of("/chat", "11", "711 kB"), List.of("/feed", "9", "41.5 kB"),
                    List.of("/api", "6", "6.00 kB"), List.of("/through-the-edge", "4", rows("#top-paths").get(4).get(2)),
                    List.of("/admin", "2", "1.00 kB"));
            assertThat(rows("#top-hosts")).extracting(row -> row.subList(0, 2))
                    .containsExactly(List.of(ZONE, "43"), List.of("feeds.example.test", "5"), List.of(edgeHost, "4"));
            assertThat(rows("#top-statuses")).extracting(row -> row.subList(0, 2))
                    .containsExactly(List.of("200", "34"), List.of("101", "11"), List.of("404", "5"), List.of("403", "2"));
            assertThat(rows("#top-actions")).extracting(row -> row.subList(0, 2)).containsExactly(List.of("block", "2"));
            assertThat(rows("#top-close-codes")).containsExactly(List.of("1001", "timedOut", "edge", "7"),
                    List.of("1000", "none", "downstream", "3"), List.of("1006", "peerReset", "downstream", "1"));
            screenshot("analytics-30d");

            // a range with less: 30 minutes lists only what happened in them
            clickable("#range-30m").click();
            clickable("#range-30m.active");
            wait.until(driver -> !driver.findElements(By.cssSelector("#top-close-codes table")).isEmpty());
            assertThat(rows("#top-paths")).extracting(row -> row.subList(0, 2)).containsExactly(
                    List.of("/api", "6"), List.of("/through-the-edge", "4"), List.of("/chat", "3"), List.of("/admin", "2"));
            assertThat(rows("#top-close-codes")).containsExactly(List.of("1000", "none", "downstream", "3"));
            screenshot("analytics-30m");
            open.abort();
        }
    }

    @Test
    void withAnalyticsOffTheTabSaysSoAndStillShowsTheWebSocketsOpenNow() throws Exception {
        try (TestControlPlane plane = new TestControlPlane(dir)) {
            signIn(plane);
            wait.until(textToBePresentInElementLocated(By.id("glance"), "Analytics are off on this node"));
            clickable("#tab-analytics").click();
            wait.until(textToBePresentInElementLocated(By.id("analytics-body"), "Analytics are off on this node"));
            assertThat(chromium.driver().findElements(By.cssSelector("#analytics-body canvas, #analytics-tops"))).isEmpty();
            // the WebSockets open now are read from the edges: they are there with analytics off too
            wait.until(textToBePresentInElementLocated(By.id("open-now"), "0 open, 0 messages"));
        }
    }


    private String text(String css) {
        return chromium.driver().findElement(By.cssSelector(css)).getText();
    }

    /** A figure's exact value, which the page keeps beside the rounded one it shows. */
    private long value(String stat) {
        return Long.parseLong(chromium.driver().findElement(By.cssSelector(stat + " .stat-value")).getAttribute("data-value"));
    }

    /** A table's rows below its head, as the cells' text. */
    private List<List<String>> rows(String container) {
        List<List<String>> rows = new ArrayList<>();
        for (WebElement tr : chromium.driver().findElements(By.cssSelector(container + " tr"))) {
            List<WebElement> cells = tr.findElements(By.tagName("td"));
            if (!cells.isEmpty()) {
                rows.add(cells.stream().map(WebElement::getText).toList());
            }
        }
        return rows;
    }

    private static void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"), chromium.driver().getScreenshotAs(OutputType.BYTES));
    }

    /** The bytes the edge's request log says it sent to clients for {@code path}. */
    private static long edgeResponseBytes(Path requestLog, String path) {
        long sum = 0;
        List<String> lines;
        try {
            lines = Files.exists(requestLog) ? Files.readAllLines(requestLog) : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String line : lines) {
            JsonNode record;
            try {
                record = JSON.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                continue; // the writer is part way through this line
            }
            if (record.path("ClientRequestURI").asText().equals(path)) {
                sum += record.path("EdgeResponseBytes").asLong();
            }
        }
        return sum;
    }

    private static void repeat(int times, Runnable action) {
        for (int i = 0; i < times; i++) {
            action.run();
        }
    }

    private String ray() {
        return String.format("test%012x", rays++);
    }

    private RequestLog plain(Instant at, String host, String path, int status, long bytes) {
        return RequestLog.builder().rayId(ray()).zoneName(ZONE).clientIp("192.0.2.1").clientRequestHost(host)
                .clientRequestMethod("GET").clientRequestUri(path).edgeStartTimestamp(at).edgeResponseStatus(status)
                .edgeResponseBytes(bytes).finish(at.plusMillis(5));
    }

    private RequestLog blocked(Instant at, String path, long bytes) {
        return RequestLog.builder().rayId(ray()).zoneName(ZONE).clientIp("192.0.2.2").clientRequestHost(ZONE)
                .clientRequestMethod("GET").clientRequestUri(path).edgeStartTimestamp(at).edgeResponseStatus(403)
                .edgeResponseBytes(bytes).securityAction("block").finish(at.plusMillis(1));
    }

    private RequestLog webSocket(Instant at, String host, int closeCode, RequestLog.ClosedBy by, long bytes) {
        return RequestLog.builder().rayId(ray()).zoneName(ZONE).clientIp("192.0.2.3").clientRequestHost(host)
                .clientRequestMethod("GET").clientRequestUri("/chat").edgeStartTimestamp(at).edgeResponseStatus(101)
                .webSocket(true).edgeResponseBytes(bytes).clientRequestBytes(400).webSocketClientMessages(4).webSocketOriginMessages(9)
                .webSocketCloseCode(closeCode).webSocketClosedBy(by).finish(at.plusSeconds(30));
    }
}
