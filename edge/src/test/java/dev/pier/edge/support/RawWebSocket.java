package dev.pier.edge.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A byte-level WebSocket client over a plain socket, for tests that must see or count exact
 * bytes: it counts every byte it reads and writes.
 */
public final class RawWebSocket implements AutoCloseable {

    public final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    public long bytesRead;
    public long bytesWritten;
    public String responseHead;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static RawWebSocket connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        return new RawWebSocket(socket);
    }

    /** Sends an upgrade request for {@code path} on host localhost and reads the response head. */
    public String handshake(String path, String... extraHeaders) throws IOException {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        StringBuilder request = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: localhost\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(key)).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        request.append("\r\n");
        write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        responseHead = readHead();
        return responseHead;
    }

    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        bytesWritten += bytes.length;
    }

    /** Reads up to and including the blank line that ends an HTTP head. */
    public String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = readByte();
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    public int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("connection closed");
        }
        bytesRead++;
        return b;
    }

    public byte[] readBytes(int n) throws IOException {
        byte[] data = in.readNBytes(n);
        bytesRead += data.length;
        if (data.length < n) {
            throw new IOException("connection closed after " + data.length + " of " + n + " bytes");
        }
        return data;
    }

    /** Reads until the peer closes; returns how many bytes that was. */
    public long readToEnd() throws IOException {
        long n = 0;
        byte[] buf = new byte[8192];
        for (int r; (r = in.read(buf)) >= 0; ) {
            n += r;
        }
        bytesRead += n;
        return n;
    }

    /** A complete frame as received: opcode, FIN and (unmasked) payload. */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }

        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    public Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = ((long) readByte() << 8) | readByte();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte();
            }
        }
        byte[] mask = (b1 & 0x80) != 0 ? readBytes(4) : null;
        byte[] payload = readBytes((int) length);
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
        }
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
    }

    /** Reads data frames until one has FIN set; returns the whole message's payload. */
    public byte[] readMessage() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        Frame frame;
        do {
            frame = readFrame();
            message.writeBytes(frame.payload());
        } while (!frame.fin());
        return message.toByteArray();
    }

    /** A masked frame as a client sends it. */
    public static byte[] frame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                frame.write((int) ((long) payload.length >>> (8 * i)) & 0xFF);
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        return frame.toByteArray();
    }

    public static byte[] text(String text) {
        return frame(true, 0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] close(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + r.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(r, 0, payload, 2, r.length);
        return frame(true, 0x8, payload);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
