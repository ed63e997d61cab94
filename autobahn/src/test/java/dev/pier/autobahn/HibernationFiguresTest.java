package dev.pier.autobahn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.examples.workers.EchoRoom;
import dev.pier.workers.Env;
import dev.pier.workers.Headers;
import dev.pier.workers.Request;
import dev.pier.workers.WebSocket;
import dev.pier.workers.runtime.objects.LiveObjects;
import dev.pier.workers.runtime.objects.Namespace;
import dev.pier.workers.runtime.storage.ObjectStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The figures the verdicts step reads from the platform MBean server, published for the example
 * echo Durable Object on real storage, and what the step makes of them before and after the
 * object hibernated.
 */
class HibernationFiguresTest {

    @TempDir
    Path dir;
    ObjectStore store;
    LiveObjects echo;

    /** A client at the edge: what it receives, in order. */
    static final class Client implements WebSocket.Transport {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final WebSocket end;

        Client(WebSocket end) {
            this.end = end;
            WebSocket.Host.attach(end, this);
        }

        @Override
        public void send(String text) {
            received.add(text);
        }

        @Override
        public void send(byte[] bytes) {
            received.add("binary " + bytes.length);
        }

        @Override
        public void close(int code, String reason) {
            received.add("close " + code);
        }

        String echo(String text) throws InterruptedException {
            WebSocket.Host.received(end, text);
            return received.poll(10, TimeUnit.SECONDS);
        }
    }

    @BeforeEach
    void start() {
        store = ObjectStore.sqlite(dir);
        echo = new LiveObjects("figures-test.ECHO", EchoRoom.class, Env.of(Map.of()), store, AutobahnServers.HIBERNATE_AFTER);
        HibernationFigures.publish(echo);
    }

    @AfterEach
    void stop() {
        echo.close();
        store.close();
    }

    @Test
    void theVerdictsStepReadsTheFiguresOfAnEchoObjectThatHibernated() throws Exception {
        Namespace rooms = new Namespace(echo);
        Client client = new Client(rooms.get(rooms.idFromName("")).fetch(new Request("GET", "https://autobahn/", Headers.of("Upgrade", "websocket"), null))
                .toCompletableFuture().join().webSocket());
        assertThat(client.echo("one")).isEqualTo("one");
        assertThat(AutobahnVerdicts.notHibernated(mine())).as("nothing evicted yet").contains("not evicted and woken");

        await(() -> echo.metrics().evictions() >= 1, "evicted while its socket stays open");
        assertThat(client.echo("two")).as("the woken object's echo").isEqualTo("two");

        HibernationFigures.Figures figures = mine().getFirst();
        assertThat(figures.requests()).isEqualTo(1);
        assertThat(figures.messagesIn()).isEqualTo(2);
        assertThat(figures.evictions()).isGreaterThanOrEqualTo(1);
        assertThat(figures.wakeUps()).isGreaterThanOrEqualTo(1);
        assertThat(figures.errors()).isZero();
        assertThat(AutobahnVerdicts.notHibernated(mine())).isNull();
        assertThat(figures.text()).contains("figures-test.ECHO: 1 requests, 2 messages in");
    }

    @Test
    void noFiguresFailTheObjectRun() {
        assertThat(AutobahnVerdicts.notHibernated(List.of())).contains("no Durable Object figures");
    }

    /** This test's namespace only: other tests may publish theirs in the same JVM. */
    private static List<HibernationFigures.Figures> mine() {
        return HibernationFigures.read().stream().filter(f -> f.namespace().equals("figures-test.ECHO")).toList();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }
}
