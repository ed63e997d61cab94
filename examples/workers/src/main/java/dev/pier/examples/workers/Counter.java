package dev.pier.examples.workers;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.Env;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Durable Object that counts: each request adds one to its stored count and answers it. One
 * object per name, so each counter counts on its own, and what it counted survives restarts.
 *
 * <p>It has an alarm, too: a request to {@code .../alarm?in=SECONDS} sets it (replacing any), a
 * DELETE there deletes it, and a request there without {@code in} only looks. When it goes off,
 * the count goes back to 0 and the count of alarms gone off goes up by one. Each of these answers
 * the counter's state: {@code count}, {@code alarms} and {@code alarm} (when it is set for, or
 * {@code none}), a line each.
 */
public final class Counter implements DurableObject {

    /** The latest alarm {@code in} may ask for: a year, in seconds. */
    static final long MAX_ALARM_SECONDS = 365L * 24 * 3600;

    private final DurableObjectState state;

    public Counter(DurableObjectState state, Env env) {
        this.state = state;
    }

    @Override
    public CompletionStage<Response> fetch(Request request) {
        if (request.path().endsWith("/alarm")) {
            return CompletableFuture.completedFuture(alarmRequest(request));
        }
        long count = number("count") + 1;
        state.storage().putString("count", Long.toString(count));
        return CompletableFuture.completedFuture(new Response(Long.toString(count)));
    }

    @Override
    public CompletionStage<Void> alarm(AlarmInfo info) {
        state.storage().putString("count", "0");
        state.storage().putString("alarms", Long.toString(number("alarms") + 1));
        return CompletableFuture.completedFuture(null);
    }

    private Response alarmRequest(Request request) {
        if (request.method().equals("DELETE")) {
            state.storage().deleteAlarm();
            return new Response(describe());
        }
        String in = parameter(request, "in");
        if (in != null) {
            BigDecimal seconds;
            try {
                seconds = new BigDecimal(in);
            } catch (NumberFormatException e) {
                seconds = null;
            }
            if (seconds == null || seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(MAX_ALARM_SECONDS)) > 0) {
                return Response.text(400, "in: '" + in + "' (expected: seconds from now, 0 to " + MAX_ALARM_SECONDS + ", e.g. 30 or 0.5)\n");
            }
            state.storage().setAlarm(System.currentTimeMillis() + seconds.movePointRight(3).longValue());
        }
        return new Response(describe());
    }

    /** The counter's state, a line each: its count, how many alarms went off, and when its alarm is set for. */
    private String describe() {
        Long alarm = state.storage().getAlarm();
        return "count: " + number("count") + "\nalarms: " + number("alarms") + "\nalarm: "
                + (alarm == null ? "none" : Instant.ofEpochMilli(alarm)) + "\n";
    }

    private long number(String key) {
        String stored = state.storage().getString(key);
        return stored == null ? 0 : Long.parseLong(stored);
    }

    /** The first value of the query parameter {@code name}, as it is written (no decoding: a number needs none); null when absent. */
    private static String parameter(Request request, String name) {
        String query = URI.create(request.url()).getRawQuery();
        for (String parameter : query == null ? new String[0] : query.split("&")) {
            if (parameter.startsWith(name + "=")) {
                return parameter.substring(name.length() + 1);
            }
        }
        return null;
    }
}
