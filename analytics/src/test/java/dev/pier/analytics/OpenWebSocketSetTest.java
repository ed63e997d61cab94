package dev.pier.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The open-addressing set of a zone's open WebSockets holds exactly what was added and not removed, through growth, shrinking and removals. */
class OpenWebSocketSetTest {

    /** A socket that is only an identity. */
    static final class Socket implements OpenWebSocket {
        @Override
        public RequestLogBuilder record() {
            return null;
        }

        @Override
        public long clientMessages() {
            return 0;
        }

        @Override
        public long originMessages() {
            return 0;
        }

        @Override
        public long clientRequestBytes() {
            return 0;
        }

        @Override
        public long edgeResponseBytes() {
            return 0;
        }
    }

    @Test
    void holdsExactlyWhatIsOpenThroughRandomOpensAndCloses() {
        OpenWebSocketSet set = new OpenWebSocketSet();
        Set<OpenWebSocket> expected = Collections.newSetFromMap(new IdentityHashMap<>());
        List<OpenWebSocket> open = new ArrayList<>();
        Random random = new Random(42);
        for (int round = 0; round < 200_000; round++) {
            // grows to a few thousand, then empties, so the array grows and shrinks several times
            boolean opening = open.isEmpty() || random.nextInt(100) < ((round / 20_000) % 2 == 0 ? 70 : 30);
            if (opening) {
                Socket socket = new Socket();
                set.add(socket);
                expected.add(socket);
                open.add(socket);
            } else {
                OpenWebSocket socket = open.remove(random.nextInt(open.size()));
                set.remove(socket);
                expected.remove(socket);
            }
            if (round % 997 == 0) {
                OpenWebSocket[] snapshot = set.snapshot();
                Set<OpenWebSocket> held = Collections.newSetFromMap(new IdentityHashMap<>());
                Collections.addAll(held, snapshot);
                assertThat(set.size()).isEqualTo(expected.size()).isEqualTo(snapshot.length);
                assertThat(held.equals(expected)).as("the set holds exactly the open sockets").isTrue();
            }
        }
        for (OpenWebSocket socket : open) {
            set.remove(socket);
        }
        assertThat(set.size()).isZero();
        assertThat(set.snapshot()).isEmpty();
    }

    @Test
    void addingTwiceOrRemovingWhatIsNotThereChangesNothing() {
        OpenWebSocketSet set = new OpenWebSocketSet();
        Socket a = new Socket();
        Socket b = new Socket();
        set.add(a);
        set.add(a);
        set.remove(b);
        assertThat(set.size()).isEqualTo(1);
        assertThat(set.snapshot()).containsExactly(a);
        set.remove(a);
        set.remove(a);
        assertThat(set.snapshot()).isEmpty();
    }
}
