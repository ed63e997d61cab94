package dev.pier.edge.worker;

import io.netty.channel.Channel;

/** The edge's hold on the WebSockets Workers accepted, for what concerns them all: a restart. */
public final class WorkerSockets {

    private WorkerSockets() {
    }

    /**
     * Closes the Worker WebSocket {@code client} carries, if it carries one, with 1001 "edge is
     * restarting" to both the client and the Worker; returns whether it carried one. On the
     * client's event loop.
     */
    public static boolean goAway(Channel client) {
        return WorkerSocket.goAway(client);
    }
}
