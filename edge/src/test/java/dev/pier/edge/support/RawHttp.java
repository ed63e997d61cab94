package dev.pier.edge.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends one raw HTTP request (the test writes every byte) and reads one response: the head and
 * a Content-Length body, or everything until the edge closes when there is no length.
 */
public final class RawHttp {

    private RawHttp() {
    }

    public static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            String head = SilentOrigins.readHead(in);
            java.util.regex.Matcher length = java.util.regex.Pattern
                    .compile("(?i)\r\ncontent-length: *(\\d+)").matcher(head);
            byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : in.readAllBytes();
            return head + new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Sends a request from a chosen local address (any 127.x.y.z is this machine, so tests can
     * be "another client") and returns only the response head, then closes: for upgrades that
     * succeed, whose connection would otherwise stay open.
     */
    public static String head(int port, String fromAddress, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new java.net.InetSocketAddress(fromAddress, 0));
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return SilentOrigins.readHead(socket.getInputStream());
        }
    }

    /** A WebSocket upgrade request with Connection: close so that error answers end the read. */
    public static String upgrade(String path, String host, String... headers) {
        StringBuilder out = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
        for (String header : headers) {
            out.append(header).append("\r\n");
        }
        return out.append("\r\n").toString();
    }
}
