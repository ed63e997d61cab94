package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import dev.pier.workers.runtime.objects.LiveObjects;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The example counter's alarm through a real edge: {@code /counter/NAME/alarm?in=SECONDS} sets
 * it, and when it goes off the count starts again from 0 and the alarms gone off count one more;
 * a DELETE takes it back; every answer there shows the alarm as storage has it.
 */
class CounterAlarmTest {

    static final String YAML = """
            listeners:
              - address: 127.0.0.1:0
            request_log: requests.ndjson
            workers:
              - name: counter
                class: dev.pier.examples.workers.CounterWorker
                durable_objects:
                  - { binding: COUNTERS, class: dev.pier.examples.workers.Counter }
            durable_objects:
              storage: durable-objects
              hibernate_after: 200ms
            zones:
              - name: localhost
                dns_records:
                  - { type: A, name: localhost, content: 127.0.0.1 }
                workers_routes:
                  - { pattern: "localhost/counter/*", script: counter }
            """;

    WorkersNode node;
    TestEdge edge;

    @BeforeEach
    void start() {
        node = WorkersNode.start(YAML);
        edge = node.edge;
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void theAlarmGoesOffAndStartsTheCountAgain() throws Exception {
        assertThat(send("GET", "/counter/lobby").body()).isEqualTo("1");
        assertThat(send("GET", "/counter/lobby").body()).isEqualTo("2");
        assertThat(send("GET", "/counter/kitchen").body()).isEqualTo("1");
        assertThat(send("GET", "/counter/lobby/alarm").body()).isEqualTo("count: 2\nalarms: 0\nalarm: none\n");

        long before = System.currentTimeMillis();
        String set = send("GET", "/counter/lobby/alarm?in=0.5").body();
        assertThat(set).startsWith("count: 2\nalarms: 0\nalarm: ");
        Instant at = Instant.parse(set.substring(set.lastIndexOf(' ') + 1).strip());
        assertThat(at.toEpochMilli()).isBetween(before + 500, System.currentTimeMillis() + 500);

        String after = null;
        for (int i = 0; i < 200 && (after == null || !after.contains("alarms: 1")); i++) {
            Thread.sleep(50);
            after = send("GET", "/counter/lobby/alarm").body();
        }
        assertThat(after).as("gone off, and deleted once it ran").isEqualTo("count: 0\nalarms: 1\nalarm: none\n");
        assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(at.toEpochMilli());
        assertThat(send("GET", "/counter/lobby").body()).isEqualTo("1");
        assertThat(send("GET", "/counter/kitchen").body()).as("another counter's alarm is its own").isEqualTo("2");
    }

    @Test
    void theAlarmOfACounterThatLeftMemoryStartsItAgain() throws Exception {
        send("GET", "/counter/lobby");
        send("GET", "/counter/lobby/alarm?in=2");
        LiveObjects counters = node.namespace("counter.COUNTERS");
        ChatRoomTest.await(() -> counters.inMemory() == 0, "the idle counter, with no WebSocket, forgotten");
        String after = null;
        for (int i = 0; i < 200 && (after == null || !after.contains("alarms: 1")); i++) {
            Thread.sleep(50);
            after = send("GET", "/counter/lobby/alarm").body();
        }
        assertThat(after).as("the alarm went off all the same").isEqualTo("count: 0\nalarms: 1\nalarm: none\n");
    }

    @Test
    void aDeletedAlarmDoesNotGoOff() throws Exception {
        send("GET", "/counter/lobby");
        assertThat(send("GET", "/counter/lobby/alarm?in=1").body()).doesNotContain("alarm: none");
        assertThat(send("DELETE", "/counter/lobby/alarm").body()).isEqualTo("count: 1\nalarms: 0\nalarm: none\n");
        Thread.sleep(1_500);
        assertThat(send("GET", "/counter/lobby/alarm").body()).isEqualTo("count: 1\nalarms: 0\nalarm: none\n");
    }

    @Test
    void aTimeThatIsNotSecondsFromNowIsRefused() throws Exception {
        for (String in : new String[] {"soon", "-1", "1e9", ""}) {
            HttpResponse<String> refused = send("GET", "/counter/lobby/alarm?in=" + in);
            assertThat(refused.statusCode()).as(in).isEqualTo(400);
            assertThat(refused.body()).isEqualTo("in: '" + in + "' (expected: seconds from now, 0 to 31536000, e.g. 30 or 0.5)\n");
        }
        assertThat(send("GET", "/counter/lobby/alarm").body()).isEqualTo("count: 0\nalarms: 0\nalarm: none\n");
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return WsClient.HTTP.send(HttpRequest.newBuilder(URI.create(edge.http(path))).method(method, HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
