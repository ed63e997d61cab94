package dev.pier.analytics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The WebSockets open now on this node, read off the connections its {@link UsageRegistry}
 * holds per zone: exact membership, counters as of a moment ago (see {@link OpenWebSocket}).
 */
public final class NodeWebSockets implements LiveWebSockets {

    private final String node;
    private final UsageRegistry usage;

    /**
     * @param node  the node's name, which each connection is shown with
     * @param usage the node's usage, where its edge registers every WebSocket from its 101 until it closes
     */
    public NodeWebSockets(String node, UsageRegistry usage) {
        this.node = node;
        this.usage = usage;
    }

    public String node() {
        return node;
    }

    @Override
    public List<LiveWebSocket> open(String zone) {
        ZoneUsage zoneUsage = usage.existing(zone);
        List<LiveWebSocket> open = new ArrayList<>();
        if (zoneUsage != null) {
            zoneUsage.forEachOpen(socket -> open.add(LiveWebSocket.of(node, zone, socket)));
        }
        return open;
    }

    /** Every zone's WebSockets open now on this node. */
    public List<LiveWebSocket> all() {
        List<LiveWebSocket> open = new ArrayList<>();
        for (Map.Entry<String, ZoneUsage> zone : usage.zones().entrySet()) {
            zone.getValue().forEachOpen(socket -> open.add(LiveWebSocket.of(node, zone.getKey(), socket)));
        }
        return open;
    }
}
