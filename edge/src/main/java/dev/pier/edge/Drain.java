package dev.pier.edge;

import dev.pier.edge.http.EdgeContext;
import dev.pier.edge.tunnel.ControlFrames;
import dev.pier.edge.tunnel.Tunnel;
import dev.pier.edge.worker.WorkerSockets;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the edge's open client connections once it has stopped accepting: first gently, each
 * connection at its own pace, then with a close frame the edge sends every open WebSocket.
 */
final class Drain {

    /** The drain's lines are the edge's: operators read them as such. */
    private static final Logger logger = LoggerFactory.getLogger(Edge.class);

    private final ChannelGroup clients;

    /** @param clients every open client connection; a connection leaves it as it closes */
    Drain(ChannelGroup clients) {
        this.clients = clients;
    }

    /**
     * Tells every connection to drain: idle HTTP connections close, busy ones after their
     * current exchange, and WebSockets keep running until they end or {@code maxDrain} passes.
     * Then every WebSocket still open gets 1001 "edge is restarting" on both sides, at a frame
     * boundary, and up to {@code shutdownGrace} for the close handshakes. Returns when no
     * connection is left or the grace is over; what is left then is the caller's to close.
     */
    void run(Duration maxDrain, Duration shutdownGrace) {
        for (Channel client : clients) {
            client.eventLoop().execute(() -> client.pipeline().fireUserEventTriggered(EdgeContext.DRAIN));
        }
        if (!awaitNoClients(maxDrain)) {
            logger.info("Closing {} open WebSocket connection(s): the edge is restarting", clients.size());
            for (Channel client : clients) {
                client.eventLoop().execute(() -> {
                    Tunnel tunnel = Tunnel.of(client);
                    if (tunnel != null) {
                        tunnel.closeBoth(ControlFrames.GOING_AWAY, "edge is restarting");
                    } else {
                        WorkerSockets.goAway(client);
                    }
                });
            }
            if (!awaitNoClients(shutdownGrace)) {
                logger.warn("{} connection(s) still open after the shutdown grace; closing them", clients.size());
            }
        }
    }

    private boolean awaitNoClients(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!clients.isEmpty()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
