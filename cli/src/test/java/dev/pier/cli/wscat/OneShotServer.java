package dev.pier.cli.wscat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves one connection with canned bytes, for behaviour the echo origin never shows: refusing
 * the upgrade, splitting a message into fragments, closing first. Keeps the request's head so a
 * test can check what the client sent.
 */
final class OneShotServer implements AutoCloseable {

    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$");

    private final ServerSocket socket;
    private final CompletableFuture<String> request = new CompletableFuture<>();

    private OneShotServer(ServerSocket socket) {
        this.socket = socket;
    }

    /** Answers the upgrade request with this HTTP status and an empty body. */
    static OneShotServer refusing(int status) throws IOException {
        byte[] answer = ("HTTP/1.1 " + status + " Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        return start(head -> answer);
    }

    /** Completes the upgrade, then sends these frames (see {@link #frame}). */
    static OneShotServer scripted(byte[]... frames) throws IOException {
        return start(head -> {
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            answer.writeBytes(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept(head) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            for (byte[] frame : frames) {
                answer.writeBytes(frame);
            }
            return answer.toByteArray();
        });
    }

    /**
     * An unmasked server frame with a short payload.
     *
     * @param firstByte the FIN bit and opcode, e.g. {@code 0x81} for a whole text message
     */
    static byte[] frame(int firstByte, byte[] payload) {
        if (payload.length > 125) {
            throw new IllegalArgumentException("only short payloads are supported");
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(firstByte);
        frame.write(payload.length);
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    /** A Close frame's payload: the status code, then the reason. */
    static byte[] closePayload(int code, String reason) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.write(code >> 8);
        payload.write(code & 0xFF);
        payload.writeBytes(reason.getBytes(StandardCharsets.UTF_8));
        return payload.toByteArray();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The request line and headers the client sent, each line ending in CRLF. */
    String request() throws Exception {
        return request.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static OneShotServer start(Function<String, byte[]> answer) throws IOException {
        OneShotServer server = new OneShotServer(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        Thread.ofPlatform().daemon().name("one-shot-server").start(() -> server.serve(answer));
        return server;
    }

    private void serve(Function<String, byte[]> answer) {
        try (Socket client = socket.accept()) {
            client.setSoTimeout(30_000);
            InputStream in = client.getInputStream();
            String head = readHead(in);
            request.complete(head);
            OutputStream out = client.getOutputStream();
            out.write(answer.apply(head));
            out.flush();
            in.transferTo(OutputStream.nullOutputStream()); // let the client finish before hanging up
        } catch (IOException e) {
            request.completeExceptionally(e);
        }
    }

    /** Reads up to the blank line byte by byte, so nothing after the head is consumed. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0) {
            head.append((char) b);
        }
        return head.substring(0, Math.max(0, head.length() - 2));
    }

    private static String accept(String head) {
        Matcher key = KEY.matcher(head);
        if (!key.find()) {
            throw new IllegalStateException("no Sec-WebSocket-Key in " + head);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key.group(1) + WEBSOCKET_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
