package dev.pier.control.livelogs;

import static dev.pier.control.livelogs.LiveLogSessionsTest.record;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** What one node relays to another node's session: payloads within PostgreSQL's NOTIFY limit, carrying what was dropped. */
class RelayedSessionTest {

    /** Peers that keep what is relayed, or refuse while {@link #full} is set. */
    static final class Sent implements LiveLogPeers {
        final List<String> payloads = new ArrayList<>();
        final AtomicBoolean full = new AtomicBoolean();

        @Override
        public void start(Receiver receiver) {
        }

        @Override
        public void announce(String announcement) {
        }

        @Override
        public void listen(String relayKey) {
        }

        @Override
        public void unlisten(String relayKey) {
        }

        @Override
        public boolean relay(String relayKey, String payload) {
            return !full.get() && payloads.add(payload);
        }

        @Override
        public void close() {
        }
    }

    static RelayedSession session(String filter, int perSecond) {
        Instant now = Instant.now();
        SessionAnnouncement a = new SessionAnnouncement(true, "0".repeat(32), "z1", "a.test", "ClientRequestPath", filter, 1, now,
                now.plusSeconds(3600));
        return new RelayedSession(a, LiveLogQuery.of(a.fields(), a.filter(), a.sample()), perSecond, now);
    }

    static List<String> lines(List<String> payloads) {
        List<String> out = new ArrayList<>();
        for (String p : payloads) {
            String body = p.substring(p.indexOf('\n') + 1);
            for (String l : body.split("\n")) {
                if (!l.isEmpty()) {
                    out.add(l);
                }
            }
        }
        return out;
    }

    @Test
    void recordsTravelInOrderInPayloadsUnderTheLimitEvenWhenNotAscii() {
        Sent peers = new Sent();
        RelayedSession s = session("", 10_000);
        String path = "/é€" + "x".repeat(300);
        for (int i = 0; i < 200; i++) {
            s.offer(record("a.test", path + i), 0, peers);
        }
        s.flush(peers);
        assertThat(peers.payloads.size()).isGreaterThan(1);
        for (String p : peers.payloads) {
            assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LiveLogPeers.MAX_PAYLOAD_BYTES);
            assertThat(p).startsWith("0\n");
        }
        List<String> lines = lines(peers.payloads);
        assertThat(lines).hasSize(200);
        assertThat(lines.get(199)).isEqualTo("{\"ClientRequestPath\":\"" + path + "199\"}");
        assertThat(s.relayedRecords()).isEqualTo(200);
    }

    @Test
    void onlyWhatPassesTheFilterTravelsAndWhatCannotIsCountedInTheNextPayload() {
        Sent peers = new Sent();
        RelayedSession s = session("{\"where\":{\"key\":\"ClientRequestPath\",\"operator\":\"startsWith\",\"value\":\"/api\"}}", 3);
        s.offer(record("a.test", "/elsewhere"), 0, peers);
        s.flush(peers);
        assertThat(peers.payloads).isEmpty();

        for (int i = 0; i < 5; i++) {
            s.offer(record("a.test", "/api/" + i), 10, peers); // 3 a second: two over
        }
        s.flush(peers);
        s.offer(record("a.test", "/api/" + "y".repeat(LiveLogPeers.MAX_PAYLOAD_BYTES)), 1500, peers); // too long for any payload
        peers.full.set(true);
        s.offer(record("a.test", "/api/lost-while-full"), 1600, peers);
        s.flush(peers); // refused: its record is counted
        peers.full.set(false);
        s.offer(record("a.test", "/api/next"), 1700, peers);
        s.flush(peers);

        assertThat(peers.payloads).containsExactly(
                "2\n{\"ClientRequestPath\":\"/api/0\"}\n{\"ClientRequestPath\":\"/api/1\"}\n{\"ClientRequestPath\":\"/api/2\"}\n",
                "2\n{\"ClientRequestPath\":\"/api/next\"}\n");
        assertThat(s.droppedRecords()).isEqualTo(4);
        assertThat(s.relayedRecords()).isEqualTo(4);
    }
}
