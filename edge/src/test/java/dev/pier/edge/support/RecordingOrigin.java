package dev.pier.edge.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * An origin that keeps every byte each connection sent it, for tests that must show exactly
 * what reached the origin. Each connection is handed to a script that reads and answers as it
 * likes; whatever the script reads, and anything left when the edge closes, is recorded.
 */
public final class RecordingOrigin implements AutoCloseable {

    /** One accepted connection: the bytes it received so far, and whether the edge closed it. */
    public static final class Connection {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private volatile boolean closedByEdge;

        public synchronized String received() {
            return received.toString(StandardCharsets.ISO_8859_1);
        }

        public boolean closedByEdge() {
            return closedByEdge;
        }

        private synchronized void record(int b) {
            received.write(b);
        }
    }

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    public final List<Connection> connections = new CopyOnWriteArrayList<>();

    /**
     * @param script reads requests from the recorded stream and writes answers; when it returns,
     *               the rest of what the edge sends is recorded until the edge closes
     */
    public RecordingOrigin(BiFunction<InputStream, OutputStream, Boolean> script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    sockets.add(socket);
                    Connection connection = new Connection();
                    connections.add(connection);
                    Thread.ofVirtual().start(() -> serve(socket, connection, script));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Answers every request head with 200 and the request line as its body, until the edge closes. */
    public static RecordingOrigin answeringEveryHead() throws IOException {
        return new RecordingOrigin((in, out) -> {
            while (true) {
                String head = SilentOrigins.readHead(in);
                if (!head.endsWith("\r\n\r\n")) {
                    return true;
                }
                String line = head.substring(0, head.indexOf("\r\n"));
                try {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + line.length() + "\r\n\r\n" + line)
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    return true;
                }
            }
        });
    }

    private static void serve(Socket socket, Connection connection, BiFunction<InputStream, OutputStream, Boolean> script) {
        try (socket) {
            InputStream in = socket.getInputStream();
            InputStream recorded = new InputStream() {
                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0) {
                        connection.record(b);
                    }
                    return b;
                }
            };
            script.apply(recorded, socket.getOutputStream());
            while (recorded.read() >= 0) {
                // record the rest until the edge closes
            }
            connection.closedByEdge = true;
        } catch (IOException e) {
            connection.closedByEdge = true; // a reset is the edge closing too
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Everything every connection received, in the order the connections were accepted. */
    public String received() {
        StringBuilder all = new StringBuilder();
        connections.forEach(c -> all.append(c.received()));
        return all.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
