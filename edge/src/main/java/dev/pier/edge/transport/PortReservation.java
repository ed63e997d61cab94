package dev.pier.edge.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds addresses a process is about to listen on, without listening: one socket per address,
 * bound with SO_REUSEPORT and never put in the listening state, so the kernel gives it no
 * connection. While it is held, nobody else can take the port, except a listener that also
 * sets SO_REUSEPORT as the same user, which is exactly what this process will bind next (and
 * what a running Pier it takes over from already has).
 *
 * <p>This is how a process checks that it can have every port before it listens on any:
 * a listener with SO_REUSEPORT gets a share of new connections the moment it listens, so a
 * process that listened on one port and then failed on the next would reset the connections
 * it had been given. Port 0 needs no reservation: any free port will do.
 */
public final class PortReservation implements AutoCloseable {

    private final List<SocketChannel> held;

    private PortReservation(List<SocketChannel> held) {
        this.held = held;
    }

    /**
     * Binds every address with a fixed port, or none.
     *
     * @throws UncheckedIOException naming the first address that cannot be had (another
     *                              program listens on it without SO_REUSEPORT, or it is not an
     *                              address of this machine)
     */
    public static PortReservation hold(List<InetSocketAddress> addresses) {
        List<SocketChannel> held = new ArrayList<>();
        try {
            for (InetSocketAddress address : addresses) {
                if (address.getPort() == 0) {
                    continue;
                }
                SocketChannel socket = SocketChannel.open();
                held.add(socket);
                socket.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                try {
                    socket.bind(address);
                } catch (IOException e) {
                    throw new UncheckedIOException(address.getHostString() + ":" + address.getPort()
                            + " cannot be bound (" + e.getMessage() + "): another program holds it, or a Pier that"
                            + " does not share its ports; nothing was started", e);
                }
            }
            return new PortReservation(held);
        } catch (IOException e) {
            closeAll(held);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            closeAll(held);
            throw e;
        }
    }

    /** Lets the ports go; this process's own listeners, once bound, keep them. */
    @Override
    public void close() {
        closeAll(held);
    }

    private static void closeAll(List<SocketChannel> sockets) {
        for (SocketChannel socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // a socket that was never connected closes without I/O
            }
        }
    }
}
