package dev.pier.edge.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.RawWebSocket;
import dev.pier.edge.support.SilentOrigins;
import dev.pier.edge.support.TestEdge;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Bytes at the moment of the switch, and bytes forwarded exactly as they came. */
class TunnelStartTest {

    @Test
    void framesSentInTheSameWriteAsThe101AreForwarded() throws Exception {
        byte[] firstFrames = {(byte) 0x81, 5, 'h', 'e', 'l', 'l', 'o', (byte) 0x82, 2, 7, 8};
        try (SilentOrigins.Scripted eager = new SilentOrigins.Scripted((in, out) -> {
            byte[] response = SilentOrigins.switchingProtocols(SilentOrigins.readHead(in));
            byte[] both = Arrays.copyOf(response, response.length + firstFrames.length);
            System.arraycopy(firstFrames, 0, both, response.length, firstFrames.length);
            write(out, both); // head and frames in one write, so they arrive in one read
            sleep();
        }); TestEdge edge = TestEdge.toOrigin(eager.port()); RawWebSocket client = RawWebSocket.connect(edge.port())) {
            assertThat(client.handshake("/")).startsWith("HTTP/1.1 101");
            assertThat(client.readBytes(firstFrames.length)).isEqualTo(firstFrames);
        }
    }

    @Test
    void clientFramesReachTheOriginByteForByteStillMasked() throws Exception {
        BlockingQueue<byte[]> received = new ArrayBlockingQueue<>(1);
        byte[] frames = concat(RawWebSocket.frame(false, 0x1, "frag".getBytes(StandardCharsets.UTF_8)),
                RawWebSocket.frame(true, 0x9, "ping".getBytes(StandardCharsets.UTF_8)),
                RawWebSocket.frame(true, 0x0, "ment".getBytes(StandardCharsets.UTF_8)),
                // RSV1 set, as permessage-deflate would: the edge must not care
                withRsv1(RawWebSocket.frame(true, 0x2, new byte[300])));
        try (SilentOrigins.Scripted recorder = new SilentOrigins.Scripted((in, out) -> {
            write(out, SilentOrigins.switchingProtocols(SilentOrigins.readHead(in)));
            try {
                received.add(in.readNBytes(frames.length));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }); TestEdge edge = TestEdge.toOrigin(recorder.port()); RawWebSocket client = RawWebSocket.connect(edge.port())) {
            assertThat(client.handshake("/")).startsWith("HTTP/1.1 101");
            client.write(frames);
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(frames);
        }
    }

    private static byte[] withRsv1(byte[] frame) {
        frame[0] |= 0x40;
        return frame;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static void write(java.io.OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
