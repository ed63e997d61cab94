package dev.pier.waf.ratelimit;

import dev.pier.config.ruleset.RateLimit;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counters shared by every edge node that points at the same Redis: one script call per
 * counted request does the increment, the window expiry and the mitigation block atomically,
 * so N nodes enforce one limit. When Redis does not answer in time the node falls back to its
 * own counters for that request (and says so in its log), so an outage of Redis never stops
 * traffic nor lifts every limit at once.
 */
public final class RedisRateLimiter implements RateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimiter.class);
    private static final String PREFIX = "pier:rl:";
    private static final String BLOCK_PREFIX = "pier:rlb:";

    /**
     * KEYS[1] the window counter, KEYS[2] the block marker; ARGV: period ms, limit, mitigation
     * ms, whether to count. Returns {limited, milliseconds until the key may pass again}.
     */
    private static final String SCRIPT = """
            local blocked = redis.call('PTTL', KEYS[2])
            if blocked > 0 then return {1, blocked} end
            local count
            if ARGV[4] == '1' then
              count = redis.call('INCR', KEYS[1])
              if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            else
              count = tonumber(redis.call('GET', KEYS[1]) or '0')
            end
            if count <= tonumber(ARGV[2]) then return {0, 0} end
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then ttl = tonumber(ARGV[1]) end
            if tonumber(ARGV[3]) > 0 then
              redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
              return {1, tonumber(ARGV[3])}
            end
            return {1, ttl}
            """;

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> redis;
    private final String sha;
    private final LocalRateLimiter fallback = new LocalRateLimiter();
    private final Duration timeout;
    private final AtomicLong lastWarning = new AtomicLong();

    private RedisRateLimiter(RedisClient client, StatefulRedisConnection<String, String> connection, Duration timeout) {
        this.client = client;
        this.connection = connection;
        this.redis = connection.async();
        this.sha = connection.sync().scriptLoad(SCRIPT);
        this.timeout = timeout;
    }

    /**
     * Connects to Redis (e.g. {@code redis://127.0.0.1:6379}).
     *
     * @param timeout how long a counted request waits for Redis ({@code waf.redis_timeout}) before
     *                this node counts it on its own
     * @throws IllegalStateException when Redis cannot be reached at start: a node that was told
     *         to share its limits must not start silently on its own
     */
    public static RedisRateLimiter connect(String uri, Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("rate limiting: the Redis timeout must be above zero, not " + timeout);
        }
        RedisClient client = RedisClient.create(RedisURI.create(uri));
        // while disconnected, fail at once (and count locally) rather than queue commands without bound
        client.setOptions(io.lettuce.core.ClientOptions.builder()
                .disconnectedBehavior(io.lettuce.core.ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        try {
            StatefulRedisConnection<String, String> connection = client.connect();
            return new RedisRateLimiter(client, connection, timeout);
        } catch (RuntimeException e) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
            throw new IllegalStateException("rate limiting: cannot reach Redis at " + redacted(uri) + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public CompletionStage<Outcome> hit(String key, RateLimit limit, boolean count, long now) {
        String[] keys = {PREFIX + key, BLOCK_PREFIX + key};
        String[] args = {Long.toString(limit.period() * 1000L), Long.toString(limit.requestsPerPeriod()),
                Long.toString(limit.mitigationTimeout() * 1000L), count ? "1" : "0"};
        return redis.<List<Long>>evalsha(sha, ScriptOutputType.MULTI, keys, args).toCompletableFuture()
                .exceptionallyCompose(error -> {
                    // Redis restarted or flushed its scripts: send the script itself (Redis caches it again)
                    if (String.valueOf(error.getMessage()).contains("NOSCRIPT")) {
                        return redis.<List<Long>>eval(SCRIPT, ScriptOutputType.MULTI, keys, args).toCompletableFuture();
                    }
                    return java.util.concurrent.CompletableFuture.failedFuture(error);
                })
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((reply, error) -> {
                    if (error != null) {
                        warn(error);
                        return fallback.decide(key, limit, count, now);
                    }
                    return reply.get(0) == 1L ? Outcome.limitedFor(reply.get(1)) : Outcome.PASS;
                });
    }

    /** A Redis URI without its password, for messages. */
    static String redacted(String uri) {
        return uri.replaceAll("(rediss?://)[^@/]*@", "$1***@");
    }

    /** Says that this node counts on its own: at most once every 10 s, however many requests fall back. */
    private void warn(Throwable error) {
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last > 10_000 && lastWarning.compareAndSet(last, now)) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            String why = cause instanceof TimeoutException
                    ? "within " + timeout.toMillis() + " ms (waf.redis_timeout)" : "(" + cause + ")";
            LOG.warn("rate limiting: Redis did not answer {}; this node counts on its own until it does", why);
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
