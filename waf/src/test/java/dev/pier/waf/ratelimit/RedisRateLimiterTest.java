package dev.pier.waf.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pier.config.ruleset.RateLimit;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Two nodes sharing one Redis (the development machine's, on 127.0.0.1:6379) enforce one
 * limit together: requests to either count against the same window.
 */
class RedisRateLimiterTest {

    private static final String REDIS = "redis://127.0.0.1:6379";

    private static RateLimiter.Outcome hit(RateLimiter limiter, String key, RateLimit limit, boolean count) throws Exception {
        return limiter.hit(key, limit, count, System.currentTimeMillis()).toCompletableFuture().get();
    }

    @Test
    void twoNodesShareOneLimit() throws Exception {
        RateLimit limit = new RateLimit(List.of("ip.src"), 10, 4, 60, "");
        String key = "test\u0000" + UUID.randomUUID() + "\u0000203.0.113.5";
        try (RedisRateLimiter a = RedisRateLimiter.connect(REDIS, Duration.ofSeconds(1));
             RedisRateLimiter b = RedisRateLimiter.connect(REDIS, Duration.ofSeconds(1))) {
            assertThat(hit(a, key, limit, true).limited()).isFalse();
            assertThat(hit(b, key, limit, true).limited()).isFalse();
            assertThat(hit(a, key, limit, true).limited()).isFalse();
            assertThat(hit(b, key, limit, true).limited()).isFalse();
            RateLimiter.Outcome fifth = hit(a, key, limit, true);
            assertThat(fifth.limited()).isTrue();
            assertThat(fifth.retryAfterSeconds()).isEqualTo(60);
            RateLimiter.Outcome onB = hit(b, key, limit, true); // the mitigation holds on the other node too
            assertThat(onB.limited()).isTrue();
            assertThat(onB.retryAfterSeconds()).isBetween(59L, 60L);
            assertThat(hit(b, key + "other", limit, true).limited()).isFalse();
        }
    }

    @Test
    void uncountedRequestsAreCheckedButNotCounted() throws Exception {
        RateLimit limit = new RateLimit(List.of("ip.src"), 10, 1, 0, "x");
        String key = "test\u0000" + UUID.randomUUID();
        try (RedisRateLimiter a = RedisRateLimiter.connect(REDIS, Duration.ofSeconds(1))) {
            assertThat(hit(a, key, limit, false).limited()).isFalse();
            assertThat(hit(a, key, limit, true).limited()).isFalse();
            assertThat(hit(a, key, limit, false).limited()).isFalse(); // at the limit, not over it
            RateLimiter.Outcome over = hit(a, key, limit, true);
            assertThat(over.limited()).isTrue();
            assertThat(over.retryAfterSeconds()).isBetween(9L, 10L); // throttled until the window ends
        }
    }

    @Test
    void whenRedisDoesNotAnswerInTimeTheNodeCountsOnItsOwnAndSaysSoOnce() throws Exception {
        RateLimit limit = new RateLimit(List.of("ip.src"), 60, 2, 0, "");
        String key = "test\u0000" + UUID.randomUUID();
        Logger logger = (Logger) LoggerFactory.getLogger(RedisRateLimiter.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        logger.addAppender(warnings);
        try (Relay relay = new Relay(6379);
             RedisRateLimiter a = RedisRateLimiter.connect("redis://127.0.0.1:" + relay.port(), Duration.ofMillis(200))) {
            relay.silent = true; // connected, but what the node sends no longer reaches Redis
            long start = System.nanoTime();
            assertThat(hit(a, key, limit, true).limited()).isFalse();
            assertThat(hit(a, key, limit, true).limited()).isFalse();
            RateLimiter.Outcome third = hit(a, key, limit, true);
            assertThat(third.limited()).as("counted on this node").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("each request waited about 200 ms, not longer")
                    .isLessThan(Duration.ofSeconds(3));
            assertThat(warnings.list).as("one warning, not one per request")
                    .filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                    .extracting(ILoggingEvent::getFormattedMessage).isEqualTo(
                            "rate limiting: Redis did not answer within 200 ms (waf.redis_timeout); this node counts on its own until it does");
        } finally {
            logger.detachAppender(warnings);
        }
    }

    @Test
    void theTimeoutMustBeAboveZero() {
        assertThatThrownBy(() -> RedisRateLimiter.connect(REDIS, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisRateLimiter.connect(REDIS, Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    /** A TCP relay to Redis that can stop passing on what clients send, as a Redis that no longer answers. */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        volatile boolean silent;

        Relay(int redisPort) throws IOException {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket client = server.accept();
                        Socket redis = new Socket(InetAddress.getLoopbackAddress(), redisPort);
                        sockets.add(client);
                        sockets.add(redis);
                        Thread.ofVirtual().start(() -> pump(client, redis, true));
                        Thread.ofVirtual().start(() -> pump(redis, client, false));
                    }
                } catch (IOException closed) {
                    // the relay is closed
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private void pump(Socket from, Socket to, boolean toRedis) {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (!(toRedis && silent)) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException closed) {
                // either side closed
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void aNodeToldToShareRefusesToStartWithoutRedis() {
        assertThatThrownBy(() -> RedisRateLimiter.connect("redis://127.0.0.1:1", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("rate limiting: cannot reach Redis at redis://127.0.0.1:1");
    }
}
