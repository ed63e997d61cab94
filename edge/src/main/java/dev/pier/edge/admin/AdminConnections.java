package dev.pier.edge.admin;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Who may hold the admin listener's connections: at most {@link #MAX} in all and
 * {@link #MAX_PER_CLIENT} per client address, so that a client holding idle or trickling
 * connections cannot lock everyone else out of the API and {@code /metrics}.
 *
 * <p>A client over its own limit gets its new connection parked: accepted, never read, and
 * closed after {@link #PARK_TIME}. Closing it at once would only have the client open another
 * at once, an accept storm on the event loop that delays every other client; parked, a
 * reconnecting client waits. When all connections together reach {@link #MAX}, the oldest
 * connection of the client holding the most, that is neither signed in nor serving a request,
 * is closed to make room: a new client is served even when several addresses hold the rest.
 * A connection is signed in once it carried a request with credentials a route accepted, and is
 * then never closed to make room.
 *
 * <p>Connections of all event loops come here, so every method is synchronized; each is a few
 * map operations, and eviction looks at most at {@link #MAX} entries, only when the limit is hit.
 */
public final class AdminConnections {

    public static final int MAX = 256;
    public static final int MAX_PER_CLIENT = 32;
    /** How long a connection over its client's limit is held, unread, before it is closed. */
    public static final Duration PARK_TIME = Duration.ofSeconds(10);
    /** Parked connections beyond this are closed at once: a parked connection holds a file descriptor. */
    static final int MAX_PARKED = 2048;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdminConnections.class);

    private static final class Entry {
        final InetAddress client;
        boolean trusted;
        boolean busy;

        Entry(InetAddress client) {
            this.client = client;
        }

        boolean evictable() {
            return !trusted && !busy;
        }
    }

    /** Open connections, oldest first. */
    private final LinkedHashMap<Channel, Entry> open = new LinkedHashMap<>();
    private final Map<InetAddress, Integer> perClient = new HashMap<>();

    private int parked;

    /**
     * Takes a new connection in, closing another to make room when all are taken; returns false
     * when {@code channel} is not to be served (it is parked or closed).
     */
    public synchronized boolean admit(Channel channel) {
        InetAddress client = channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        if (perClient.getOrDefault(client, 0) >= MAX_PER_CLIENT) {
            park(channel, client);
            return false;
        }
        if (open.size() >= MAX && !evictFromLargestHolder()) {
            LOG.warn("Admin listener: refusing {}: {} admin connections are open, all busy or signed in", channel.remoteAddress(), MAX);
            channel.close();
            return false;
        }
        open.put(channel, new Entry(client));
        perClient.merge(client, 1, Integer::sum);
        channel.closeFuture().addListener(f -> closed(channel));
        return true;
    }

    private void park(Channel channel, InetAddress client) {
        if (parked >= MAX_PARKED) {
            channel.close();
            return;
        }
        parked++;
        LOG.debug("Admin listener: {} holds {} connections; parking another", client, MAX_PER_CLIENT);
        channel.config().setAutoRead(false);
        channel.closeFuture().addListener(f -> unparked());
        channel.eventLoop().schedule(() -> channel.close(), PARK_TIME.toNanos(), TimeUnit.NANOSECONDS);
    }

    private synchronized void unparked() {
        parked--;
    }

    /**
     * Closes the oldest idle, not signed-in connection of the client holding the most (of the clients tied for
     * the most, the oldest such connection); false when there is none.
     */
    private boolean evictFromLargestHolder() {
        Map<InetAddress, Integer> evictable = new HashMap<>();
        open.values().stream().filter(Entry::evictable).forEach(e -> evictable.merge(e.client, 1, Integer::sum));
        if (evictable.isEmpty()) {
            return false;
        }
        // Several clients may hold the most: the oldest connection among theirs goes, whatever order the map keeps.
        int most = java.util.Collections.max(evictable.values());
        for (Iterator<Map.Entry<Channel, Entry>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Channel, Entry> e = it.next();
            Entry entry = e.getValue();
            if (entry.evictable() && evictable.get(entry.client) == most) {
                it.remove();
                release(entry.client);
                LOG.debug("Admin listener: closing idle connection {} to make room", e.getKey().remoteAddress());
                e.getKey().close();
                return true;
            }
        }
        return false;
    }

    private synchronized void closed(Channel channel) {
        Entry entry = open.remove(channel);
        if (entry != null) {
            release(entry.client);
        }
    }

    private void release(InetAddress client) {
        perClient.computeIfPresent(client, (c, n) -> n == 1 ? null : n - 1);
    }

    /** A route is working on a request of {@code channel}'s, or has answered it. */
    synchronized void busy(Channel channel, boolean busy) {
        Entry entry = open.get(channel);
        if (entry != null) {
            entry.busy = busy;
        }
    }

    /** {@code channel} carried credentials a route accepted: it is kept whatever else arrives. */
    synchronized void trust(Channel channel) {
        Entry entry = open.get(channel);
        if (entry != null) {
            entry.trusted = true;
        }
    }

    /** How many admin connections are open. */
    public synchronized int size() {
        return open.size();
    }
}
