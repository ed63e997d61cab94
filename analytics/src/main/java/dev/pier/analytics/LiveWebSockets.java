package dev.pier.analytics;

import java.util.List;

/** Where the WebSockets open now are read from: this node's edge, or every node that shares an analytics store. */
public interface LiveWebSockets {

    /**
     * The zone's WebSockets open now, in no particular order.
     *
     * @param zone the zone's name
     */
    List<LiveWebSocket> open(String zone);
}
