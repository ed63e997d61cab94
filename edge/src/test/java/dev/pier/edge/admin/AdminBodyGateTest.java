package dev.pier.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link AdminBodyGate} in a pipeline of its own: what reaches the aggregator's consumer, and what is never buffered. */
class AdminBodyGateTest {

    static final int KIB = 1024;
    static final AdminRoute.Response TOO_LARGE = new AdminRoute.Response(413, "text/plain", "too large".getBytes(StandardCharsets.UTF_8));

    /** A route below /upload that allows {@code max} to every request, counting how often it is asked. */
    static final class Upload implements AdminRoute {
        final int max;
        final AtomicInteger asked = new AtomicInteger();

        Upload(int max) {
            this.max = max;
        }

        @Override
        public String prefix() {
            return "/upload";
        }

        @Override
        public Response handle(String method, String uri, Map<String, String> headers, byte[] body) {
            throw new AssertionError("not served here");
        }

        @Override
        public BodyLimit bodyLimit(String method, String uri, Map<String, String> headers) {
            asked.incrementAndGet();
            return new BodyLimit(max, TOO_LARGE);
        }
    }

    final List<EmbeddedChannel> channels = new ArrayList<>();

    EmbeddedChannel channel(AdminRoute route) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpResponseEncoder(), new HttpRequestDecoder(),
                new AdminBodyGate(path -> path.startsWith(route.prefix()) ? route : null, Runnable::run),
                new HttpObjectAggregator(AdminBodyGate.LARGEST_BODY));
        channels.add(ch);
        return ch;
    }

    @AfterEach
    void close() {
        for (EmbeddedChannel ch : channels) {
            try {
                ch.finishAndReleaseAll();
            } catch (io.netty.handler.codec.PrematureChannelClosureException halfARequest) {
                ch.releaseInbound(); // the aggregator says so of a connection closed mid-body: expected here
            }
        }
        assertThat(AdminBodyGate.largeBodiesFree()).as("every permit is back once its connection is gone")
                .isEqualTo(AdminBodyGate.MAX_LARGE_IN_FLIGHT);
    }

    static void send(EmbeddedChannel ch, String text) {
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
        ch.runPendingTasks();
    }

    static void sendBody(EmbeddedChannel ch, int bytes, boolean chunked) {
        for (int sent = 0; sent < bytes; sent += 16 * KIB) {
            int n = Math.min(16 * KIB, bytes - sent);
            String piece = "y".repeat(n);
            send(ch, chunked ? Integer.toHexString(n) + "\r\n" + piece + "\r\n" : piece);
        }
    }

    static String head(String method, String path, String length) {
        return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + length + "\r\n\r\n";
    }

    @Test
    void aSmallRequestPassesWithoutAskingItsRoute() {
        Upload route = new Upload(AdminBodyGate.LARGEST_BODY);
        EmbeddedChannel ch = channel(route);
        send(ch, head("PUT", "/upload/a", "Content-Length: 5") + "hello");
        FullHttpRequest request = ch.readInbound();
        assertThat(request.decoderResult().isSuccess()).isTrue();
        assertThat(request.content().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(route.asked).hasValue(0);
        request.release();
    }

    @Test
    void aRefusedAnnouncedBodyReachesTheHandlerAsItsHeadAloneAndTheRestIsDropped() {
        Upload route = new Upload(AdminHandler.MAX_BODY);
        EmbeddedChannel ch = channel(route);
        send(ch, head("PUT", "/upload/a", "Content-Length: " + (10 * 1024 * KIB)));
        sendBody(ch, 512 * KIB, false);
        FullHttpRequest request = ch.readInbound();
        assertThat(request.decoderResult().cause()).isInstanceOf(AdminBodyGate.Refused.class);
        assertThat(((AdminBodyGate.Refused) request.decoderResult().cause()).answer()).isSameAs(TOO_LARGE);
        assertThat(request.content().readableBytes()).isZero();
        assertThat((Object) ch.readInbound()).as("the body's bytes go nowhere").isNull();
        assertThat(route.asked).hasValue(1);
        request.release();
    }

    @Test
    void aChunkedBodyIsCutOffWhereItPassesItsLimit() {
        EmbeddedChannel ch = channel(new Upload(AdminHandler.MAX_BODY));
        send(ch, head("PUT", "/upload/a", "Transfer-Encoding: chunked"));
        sendBody(ch, 1024 * KIB, true);
        FullHttpRequest request = ch.readInbound();
        assertThat(request.decoderResult().cause()).isInstanceOf(AdminBodyGate.Refused.class);
        assertThat(request.content().readableBytes()).isLessThanOrEqualTo(AdminHandler.MAX_BODY);
        assertThat((Object) ch.readInbound()).isNull();
        request.release();
    }

    @Test
    void aRequestWithoutARouteKeeps64KiB() {
        EmbeddedChannel ch = channel(new Upload(AdminBodyGate.LARGEST_BODY));
        send(ch, head("POST", "/elsewhere", "Content-Length: " + (AdminHandler.MAX_BODY + 1)));
        FullHttpRequest request = ch.readInbound();
        assertThat(((AdminBodyGate.Refused) request.decoderResult().cause()).answer()).isSameAs(AdminRoute.BodyLimit.DEFAULT.tooLarge());
        request.release();
    }

    @Test
    void anAllowedLargeBodyIsAggregatedWholeAndHoldsAPermitUntilItsAnswerIsWritten() {
        EmbeddedChannel ch = channel(new Upload(AdminBodyGate.LARGEST_BODY));
        int size = 3 * 1024 * KIB;
        send(ch, head("PUT", "/upload/a", "Content-Length: " + size));
        sendBody(ch, size, false);
        FullHttpRequest request = ch.readInbound();
        assertThat(request.decoderResult().isSuccess()).isTrue();
        assertThat(request.content().readableBytes()).isEqualTo(size);
        request.release();
        assertThat(AdminBodyGate.largeBodiesFree()).isEqualTo(AdminBodyGate.MAX_LARGE_IN_FLIGHT - 1);
        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        assertThat(AdminBodyGate.largeBodiesFree()).isEqualTo(AdminBodyGate.MAX_LARGE_IN_FLIGHT);
        ch.releaseOutbound();
    }

    @Test
    void pastTheLargeBodiesInFlightTheNextIsAnswered503() {
        Upload route = new Upload(AdminBodyGate.LARGEST_BODY);
        for (int i = 0; i < AdminBodyGate.MAX_LARGE_IN_FLIGHT; i++) {
            send(channel(route), head("PUT", "/upload/" + i, "Content-Length: " + (AdminHandler.MAX_BODY + 1)));
        }
        assertThat(AdminBodyGate.largeBodiesFree()).isZero();
        EmbeddedChannel last = channel(route);
        send(last, head("PUT", "/upload/last", "Content-Length: " + (AdminHandler.MAX_BODY + 1)));
        FullHttpRequest request = last.readInbound();
        AdminRoute.Response answer = ((AdminBodyGate.Refused) request.decoderResult().cause()).answer();
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.headers()).containsEntry("retry-after", "1");
        request.release();
    }
}
