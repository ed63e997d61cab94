package dev.pier.examples.workers;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectNamespace;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.Env;
import dev.pier.workers.Headers;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * A rate limiter for one client address: one Durable Object per IP ({@code idFromName(ip)}), so
 * that every room and the Worker in front of them ask the same one. Each kind of thing it limits
 * (the path's last segment: {@code /joins}, {@code /messages}) has a token bucket of its own, as
 * the script's var {@code RATE_LIMIT} says ({@link RateLimit}; {@code 10/10s} without it). A
 * POST takes a token: 200 while there was one, else 429 with {@code Retry-After}. The buckets are
 * kept in memory and written to storage with each token taken, so an evicted or restarted limiter
 * goes on where it was.
 */
public final class RateLimiter implements DurableObject {

    private static final Pattern BUCKET = Pattern.compile("[a-z]{1,32}");

    private final DurableObjectState state;
    private final RateLimit limit;
    /** The buckets this instance used, as they were after its last event. */
    private final Map<String, Bucket> buckets = new HashMap<>();

    /** @throws IllegalArgumentException when the var {@code RATE_LIMIT} is not {@code BURST/PERIOD} */
    public RateLimiter(DurableObjectState state, Env env) {
        this.state = state;
        String configured = env.var("RATE_LIMIT");
        this.limit = configured == null ? RateLimit.DEFAULT : RateLimit.parse(configured);
    }

    /** Asks the limiter of {@code ip} for a token of {@code bucket}: its answer is 200, or 429 with {@code Retry-After}. */
    static CompletionStage<Response> take(DurableObjectNamespace limiters, String ip, String bucket) {
        return limiters.get(limiters.idFromName(ip)).fetch(new Request("POST", "https://rate-limiter/" + bucket, new Headers(), null));
    }

    /** The seconds a refusal ({@link #take}'s 429) says to wait. */
    static String retryAfter(Response refusal) {
        return refusal.headers().get("retry-after");
    }

    @Override
    public CompletionStage<Response> fetch(Request request) {
        String path = request.path();
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (!request.method().equals("POST")) {
            return answer(Response.text(405, "POST /BUCKET takes a token from that bucket.\n"));
        }
        if (!BUCKET.matcher(name).matches()) {
            return answer(Response.text(400, "bucket: '" + name + "' (expected: 1 to 32 lower-case letters)\n"));
        }
        long now = System.currentTimeMillis();
        Bucket bucket = buckets.computeIfAbsent(name, this::stored).refilled(limit, now);
        if (bucket.tokens() < 1) {
            buckets.put(name, bucket);
            long seconds = Math.max(1, (limit.millisUntilNextToken(bucket.tokens()) + 999) / 1000);
            return answer(new Response(("too many: the next in " + seconds + " s\n").getBytes(StandardCharsets.UTF_8), 429,
                    Headers.of("content-type", "text/plain;charset=UTF-8", "retry-after", Long.toString(seconds))));
        }
        Bucket taken = new Bucket(bucket.tokens() - 1, now);
        buckets.put(name, taken);
        state.storage().putString(key(name), taken.stored());
        return answer(new Response("ok: " + (int) taken.tokens() + " left\n"));
    }

    /** The bucket as storage has it; a bucket never used is full. */
    private Bucket stored(String name) {
        String stored = state.storage().getString(key(name));
        return stored == null ? new Bucket(limit.burst(), System.currentTimeMillis()) : Bucket.parse(stored);
    }

    private static String key(String bucket) {
        return "bucket:" + bucket;
    }

    private static CompletionStage<Response> answer(Response response) {
        return CompletableFuture.completedFuture(response);
    }

    /** A token bucket: the tokens it held at {@code atMillis}. Stored as {@code TOKENS@MILLIS}. */
    private record Bucket(double tokens, long atMillis) {

        static Bucket parse(String stored) {
            int at = stored.indexOf('@');
            return new Bucket(Double.parseDouble(stored.substring(0, at)), Long.parseLong(stored.substring(at + 1)));
        }

        /** The bucket at {@code now}: what it gained since, up to {@code limit}'s burst. */
        Bucket refilled(RateLimit limit, long now) {
            long elapsed = Math.max(0, now - atMillis); // a clock set back refills nothing
            return new Bucket(Math.min(limit.burst(), tokens + limit.refill(elapsed)), Math.max(now, atMillis));
        }

        String stored() {
            return tokens + "@" + atMillis;
        }
    }
}
