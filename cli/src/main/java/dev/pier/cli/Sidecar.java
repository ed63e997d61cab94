package dev.pier.cli;

import dev.pier.cli.demo.EchoOrigin;
import java.time.Duration;

/**
 * A server a {@code pier} process runs beside its edge (the demo's echo origin). It is handed
 * over with the edge: it stops accepting when the edge does, keeps serving its open connections
 * while the edge drains, and is stopped only after the edge, so that a WebSocket the edge is
 * closing with 1001 never loses its origin first.
 */
interface Sidecar {

    /** Closes its listener; its open connections keep going. */
    void stopAccepting();

    /** Waits up to {@code limit} for its open connections to end; true if they all did. */
    boolean awaitIdle(Duration limit);

    /** Closes it and every connection it still has. */
    void close();

    /** A process that runs nothing beside its edge. */
    Sidecar NONE = new Sidecar() {
        @Override
        public void stopAccepting() {
        }

        @Override
        public boolean awaitIdle(Duration limit) {
            return true;
        }

        @Override
        public void close() {
        }
    };

    /** The demo's echo origin as a sidecar. */
    static Sidecar of(EchoOrigin origin) {
        return new Sidecar() {
            @Override
            public void stopAccepting() {
                origin.stopAccepting();
            }

            @Override
            public boolean awaitIdle(Duration limit) {
                return origin.awaitIdle(limit);
            }

            @Override
            public void close() {
                origin.close();
            }
        };
    }
}
