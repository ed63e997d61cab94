package dev.pier.examples.workers;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much a client may do: {@code burst} things at once, then one each time {@code period /
 * burst} has passed, as a token bucket that holds {@code burst} tokens and fills up again over
 * {@code period}. Written {@code BURST/PERIOD}, as {@code 10/10s}: ten at once, then one a second.
 */
record RateLimit(int burst, Duration period) {

    /** Ten at once, then one a second. */
    static final RateLimit DEFAULT = new RateLimit(10, Duration.ofSeconds(10));

    private static final Pattern FORM = Pattern.compile("(\\d{1,9})/(\\d{1,9})(ms|s|m|h)");

    RateLimit {
        if (burst < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("rate limit: " + burst + " per " + period + " (expected: at least 1, over a period longer than 0)");
        }
    }

    /** @throws IllegalArgumentException when {@code text} is not {@code BURST/PERIOD} */
    static RateLimit parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("rate limit: '" + text + "' (expected: BURST/PERIOD, e.g. 10/10s, 30/1m or 5/500ms)");
        }
        long n = Long.parseLong(m.group(2));
        Duration period = switch (m.group(3)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        return new RateLimit(Integer.parseInt(m.group(1)), period);
    }

    /** How many tokens a bucket gains in {@code millis}. */
    double refill(long millis) {
        return (double) millis * burst / period.toMillis();
    }

    /** How long a bucket holding {@code tokens} (fewer than one) waits for its next token, in milliseconds. */
    long millisUntilNextToken(double tokens) {
        return (long) Math.ceil((1 - tokens) * period.toMillis() / burst);
    }

    @Override
    public String toString() {
        return burst + "/" + period.toMillis() + "ms";
    }
}
