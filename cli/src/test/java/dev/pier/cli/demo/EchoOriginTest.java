package dev.pier.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The echo origin answers what Autobahn's close and framing cases send the way RFC 6455 asks,
 * so that a run through Pier can be compared with a direct run that passes (docs/AUTOBAHN.md).
 * Raw frames on a socket: a WebSocket client library would refuse to send most of them.
 */
class EchoOriginTest {

    private EchoOrigin origin;

    @BeforeEach
    void start() throws InterruptedException {
        origin = EchoOrigin.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        origin.close();
    }

    @Test
    void aCloseWithAValidCodeComesBackAsSent() throws IOException {
        try (Socket socket = upgraded(null)) {
            socket.getOutputStream().write(masked(0x88, closePayload(4321, "see you")));
            assertThat(readFrame(socket.getInputStream())).isEqualTo(unmasked(0x88, closePayload(4321, "see you")));
        }
    }

    /**
     * Autobahn 7.9.*: a code no endpoint may send fails the connection (RFC 6455 §7.1.7: a close
     * of 1002, or after the peer's close only the TCP close), never an echo or a 1000.
     */
    @Test
    void aCloseWithACodeNoEndpointMaySendFailsTheConnection() throws IOException {
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999}) {
            try (Socket socket = upgraded(null)) {
                socket.getOutputStream().write(masked(0x88, closePayload(code, "")));
                assertThat(failure(socket.getInputStream())).as("close code %d", code).isIn("dropped", "close 1002");
            }
        }
    }

    /** Autobahn 7.3.2: a one-byte close payload cannot hold a code. */
    @Test
    void aOneByteClosePayloadFailsTheConnection() throws IOException {
        try (Socket socket = upgraded(null)) {
            socket.getOutputStream().write(masked(0x88, new byte[] {1}));
            assertThat(failure(socket.getInputStream())).isIn("dropped", "close 1002");
        }
    }

    /** Autobahn 3.*: reserved bits with no extension negotiated fail the connection. */
    @Test
    void aReservedBitWithoutPermessageDeflateIsAnsweredWith1002() throws IOException {
        try (Socket socket = upgraded(null)) {
            socket.getOutputStream().write(masked(0x81 | 0x40, "hi".getBytes(StandardCharsets.UTF_8)));
            assertThat(closeCode(readFrame(socket.getInputStream()))).isEqualTo(1002);
        }
    }

    @Test
    void permessageDeflateIsNegotiatedWhenOffered() throws IOException {
        try (Socket socket = upgraded("permessage-deflate")) {
            // a compressed "Hello" (RFC 7692 §7.2.3.1) with RSV1 set comes back as a compressed frame
            byte[] hello = {(byte) 0xf2, 0x48, (byte) 0xcd, (byte) 0xc9, (byte) 0xc9, 0x07, 0x00};
            socket.getOutputStream().write(masked(0x81 | 0x40, hello));
            byte[] echoed = readFrame(socket.getInputStream());
            assertThat(echoed[0] & 0xff).isEqualTo(0x81 | 0x40);
        }
    }

    @Test
    void aPingGetsItsPong() throws IOException {
        try (Socket socket = upgraded(null)) {
            socket.getOutputStream().write(masked(0x89, "are you there".getBytes(StandardCharsets.UTF_8)));
            assertThat(readFrame(socket.getInputStream())).isEqualTo(unmasked(0x8a, "are you there".getBytes(StandardCharsets.UTF_8)));
        }
    }

    private Socket upgraded(String extensions) throws IOException {
        Socket socket = new Socket("127.0.0.1", origin.port());
        socket.setSoTimeout(10_000);
        String request = "GET /any/path HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + (extensions == null ? "" : "Sec-WebSocket-Extensions: " + extensions + "\r\n") + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        String head = readHead(socket.getInputStream());
        assertThat(head).startsWith("HTTP/1.1 101");
        if (extensions != null) {
            assertThat(head.toLowerCase()).contains("sec-websocket-extensions: permessage-deflate");
        }
        return socket;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static byte[] closePayload(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return payload;
    }

    /** How the origin failed the connection: "dropped" (TCP closed, no frame) or "close CODE". */
    private static String failure(InputStream in) throws IOException {
        try {
            return "close " + closeCode(readFrame(in));
        } catch (java.io.EOFException | java.net.SocketException e) {
            return "dropped";
        }
    }

    private static int closeCode(byte[] frame) {
        assertThat(frame[0] & 0x0f).as("opcode").isEqualTo(0x8);
        return ((frame[2] & 0xff) << 8) | (frame[3] & 0xff);
    }

    /** A client frame (payload under 126 bytes): masked, as RFC 6455 requires of clients. */
    private static byte[] masked(int first, byte[] payload) {
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) first;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    private static byte[] unmasked(int first, byte[] payload) {
        byte[] frame = new byte[2 + payload.length];
        frame[0] = (byte) first;
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        return frame;
    }

    /** One server frame (payload under 126 bytes), whole. */
    private static byte[] readFrame(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int first = data.readUnsignedByte();
        int length = data.readUnsignedByte();
        assertThat(length).as("a server frame is unmasked and short here").isLessThan(126);
        byte[] frame = new byte[2 + length];
        frame[0] = (byte) first;
        frame[1] = (byte) length;
        data.readFully(frame, 2, length);
        return frame;
    }
}
