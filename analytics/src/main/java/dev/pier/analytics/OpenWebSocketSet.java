package dev.pier.analytics;

/**
 * A zone's open WebSockets: a set by identity kept in one array (open addressing, linear
 * probing, at most half full), so that a connection costs its slot and nothing else: no entry
 * object per connection, as a hash set's node would be. Adding and removing take the set's lock
 * once per connection, at its 101 and at its close; reading copies the array under the lock and
 * lets go.
 */
final class OpenWebSocketSet {

    private static final int SMALLEST = 8;

    private OpenWebSocket[] slots = new OpenWebSocket[SMALLEST];
    private int size;

    synchronized void add(OpenWebSocket socket) {
        if ((size + 1) * 2 > slots.length) {
            resize(slots.length * 2);
        }
        if (place(slots, socket)) {
            size++;
        }
    }

    /** Removes {@code socket}, shifting back the entries after it that probed past its slot. */
    synchronized void remove(OpenWebSocket socket) {
        int mask = slots.length - 1;
        int gap = home(socket, mask);
        while (slots[gap] != socket) {
            if (slots[gap] == null) {
                return;
            }
            gap = (gap + 1) & mask;
        }
        slots[gap] = null;
        size--;
        for (int next = (gap + 1) & mask; slots[next] != null; next = (next + 1) & mask) {
            int home = home(slots[next], mask);
            boolean reachable = gap < next ? gap < home && home <= next : gap < home || home <= next;
            if (!reachable) { // its probe from home passes the gap: it moves into it
                slots[gap] = slots[next];
                slots[next] = null;
                gap = next;
            }
        }
        if (slots.length > SMALLEST && size * 8 < slots.length) {
            resize(slots.length / 2);
        }
    }

    synchronized int size() {
        return size;
    }

    /** The sockets open now, in no particular order. */
    synchronized OpenWebSocket[] snapshot() {
        OpenWebSocket[] open = new OpenWebSocket[size];
        int n = 0;
        for (OpenWebSocket socket : slots) {
            if (socket != null) {
                open[n++] = socket;
            }
        }
        return open;
    }

    private void resize(int length) {
        OpenWebSocket[] bigger = new OpenWebSocket[length];
        for (OpenWebSocket socket : slots) {
            if (socket != null) {
                place(bigger, socket);
            }
        }
        slots = bigger;
    }

    /** Puts {@code socket} in its first free slot from its home; false when it is there already. */
    private static boolean place(OpenWebSocket[] slots, OpenWebSocket socket) {
        int mask = slots.length - 1;
        int i = home(socket, mask);
        while (slots[i] != null) {
            if (slots[i] == socket) {
                return false;
            }
            i = (i + 1) & mask;
        }
        slots[i] = socket;
        return true;
    }

    private static int home(OpenWebSocket socket, int mask) {
        int h = System.identityHashCode(socket) * 0x9E3779B9; // spread, so that neighbouring hashes do not cluster
        return (h ^ (h >>> 16)) & mask;
    }
}
