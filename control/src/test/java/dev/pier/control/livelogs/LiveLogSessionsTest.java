package dev.pier.control.livelogs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Sessions end when their lifetime is over or nobody listens; a listener that cannot keep up loses records, counted and told. */
class LiveLogSessionsTest {

    /** A listener that keeps what it is sent, or refuses while {@link #full} is set. */
    static final class Recorder implements LiveLogListener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final AtomicBoolean full = new AtomicBoolean();
        volatile String closed;

        @Override
        public boolean send(String message) {
            if (full.get()) {
                return false;
            }
            messages.add(message);
            return true;
        }

        @Override
        public void close(int code, String reason) {
            closed = code + " " + reason;
        }
    }

    static RequestLog record(String zone, String path) {
        return RequestLog.builder().zoneName(zone).clientRequestUri(path).clientRequestMethod("GET").edgeResponseStatus(200)
                .edgeStartTimestamp(Instant.now()).finish(Instant.now());
    }

    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aSessionEndsWhenItsLifetimeIsOver() throws Exception {
        try (LiveLogSessions sessions = new LiveLogSessions(new LiveLogSessions.Limits(Duration.ofMillis(600), Duration.ofHours(1), 64))) {
            LiveLogSession s = sessions.open("z1", "a.test", LiveLogQuery.of("ClientRequestPath", "", 1));
            Recorder r = new Recorder();
            assertThat(s.attach(r)).isNotNull();
            sessions.accept(record("a.test", "/in-time"));
            await(() -> r.closed != null);
            assertThat(r.closed).startsWith("1000 the live log session is over");
            assertThat(String.join("", r.messages)).isEqualTo("{\"ClientRequestPath\":\"/in-time\"}\n");
            assertThat(sessions.session(s.id())).isEmpty();
            assertThat(s.attach(new Recorder())).as("an ended session takes no listener").isNull();
        }
    }

    @Test
    void aSessionNobodyListensToEnds() throws Exception {
        try (LiveLogSessions sessions = new LiveLogSessions(new LiveLogSessions.Limits(Duration.ofHours(1), Duration.ofMillis(500), 64))) {
            LiveLogSession s = sessions.open("z1", "a.test", LiveLogQuery.of("", "", 1));
            Runnable leave = s.attach(new Recorder());
            Thread.sleep(1000);
            assertThat(sessions.session(s.id())).as("kept while someone listens").isPresent();
            leave.run();
            await(() -> sessions.session(s.id()).isEmpty());
            assertThat(sessions.sessions("z1")).isEmpty();
        }
    }

    @Test
    void aSlowListenerLosesRecordsAndIsToldHowMany() throws Exception {
        try (LiveLogSessions sessions = new LiveLogSessions(LiveLogSessions.Limits.DEFAULT)) {
            LiveLogSession s = sessions.open("z1", "a.test", LiveLogQuery.of("ClientRequestPath", "", 1));
            Recorder r = new Recorder();
            s.attach(r);
            r.full.set(true);
            sessions.accept(record("a.test", "/lost-1"));
            sessions.accept(record("a.test", "/lost-2"));
            sessions.accept(record("other.test", "/not-this-zone"));
            await(() -> s.droppedRecords() == 2);
            r.full.set(false);
            sessions.accept(record("a.test", "/kept"));
            await(() -> String.join("", r.messages).contains("/kept"));
            String all = String.join("", r.messages);
            assertThat(all).startsWith("{\"dropped\":2,").doesNotContain("/lost-").doesNotContain("/not-this-zone");
            assertThat(s.sentRecords()).isEqualTo(1);
        }
    }
}
