package dev.pier.edge.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/** Misbehaving origins made from plain sockets, for the failure paths. */
public final class SilentOrigins {

    private SilentOrigins() {
    }

    /**
     * A loopback port nothing listens on, for as long as this is open: connecting to it is
     * refused. A socket bound to the port but not listening holds it, so that nothing else
     * (another test's listener, or an outgoing connection's local port) can be given it in
     * the meantime; on Linux a connection to such a port is refused as to a free one.
     */
    public static final class ClosedPort implements AutoCloseable {
        private final SocketChannel holder;

        public ClosedPort() throws IOException {
            holder = SocketChannel.open();
            try {
                holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            } catch (IOException e) {
                holder.close();
                throw e;
            }
        }

        public int port() throws IOException {
            return ((InetSocketAddress) holder.getLocalAddress()).getPort();
        }

        @Override
        public void close() throws IOException {
            holder.close();
        }
    }

    /**
     * A listener whose accept queue is full and never drained: the kernel drops new SYNs, so a
     * connect attempt hangs until it times out, as with an origin behind a dead network path.
     */
    public static final class Blackhole implements AutoCloseable {
        private final ServerSocket server;
        private final List<SocketChannel> fillers = new ArrayList<>();

        public Blackhole() throws IOException {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            for (int i = 0; i < 4; i++) {
                SocketChannel filler = SocketChannel.open();
                filler.configureBlocking(false);
                filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
                fillers.add(filler);
            }
        }

        public int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (SocketChannel filler : fillers) {
                filler.close();
            }
            server.close();
        }
    }

    /**
     * An origin that accepts connections and hands each to {@code behaviour} on a thread of its
     * own: the behaviour reads and writes bytes as it likes.
     */
    public static final class Scripted implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        public final AtomicInteger accepted = new AtomicInteger();

        public Scripted(BiConsumer<InputStream, OutputStream> behaviour) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        accepted.incrementAndGet();
                        sockets.add(socket);
                        Thread.ofVirtual().start(() -> {
                            try (socket) {
                                behaviour.accept(socket.getInputStream(), socket.getOutputStream());
                            } catch (IOException | RuntimeException e) {
                                // the test decides what a broken connection means
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        public int port() {
            return server.getLocalPort();
        }

        /**
         * Waits up to 10 s until at least {@code n} connections have been accepted, and returns
         * how many have: a client can see the connection established (the kernel accepted it)
         * before the accepting thread has counted it.
         */
        public int awaitAccepted(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (accepted.get() < n && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
            return accepted.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** The 101 answer to an upgrade request head, with the right Sec-WebSocket-Accept. */
    public static byte[] switchingProtocols(String requestHead) {
        String key = requestHead.replaceAll("(?is).*sec-websocket-key: *([^\\r\\n]+).*", "$1").trim();
        try {
            byte[] sha1 = java.security.MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + java.util.Base64.getEncoder().encodeToString(sha1) + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads an HTTP head from a stream (up to the blank line). */
    public static String readHead(InputStream in) {
        StringBuilder head = new StringBuilder();
        try {
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
        } catch (IOException e) {
            // return what there is
        }
        return head.toString();
    }
}
