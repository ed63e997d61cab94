package dev.pier.control.api;

import dev.pier.analytics.store.AnalyticsQuery;
import java.time.Duration;
import java.time.Instant;

/**
 * How wide a time range, how many fields and how many groups one query of a node may ask for, as
 * the {@code settings} node reports them; how far back it may read is the zone's retention. A
 * query past one is refused with Cloudflare's message for it.
 *
 * @param maxDuration       the widest time range
 * @param maxNumberOfFields the most fields one query selects of the node (leaves, counted with their paths)
 * @param maxPageSize       the most groups one query returns
 */
record NodeLimits(Duration maxDuration, int maxNumberOfFields, int maxPageSize) {

    /** Fields one query selects of a node at most. */
    static final int MAX_FIELDS = 30;
    /** The adaptive nodes (every record, by minute): a month, as Cloudflare's paid plans. */
    static final NodeLimits ADAPTIVE = new NodeLimits(Duration.ofDays(31), MAX_FIELDS, AnalyticsQuery.MAX_LIMIT);

    void check(Instant from, Instant to, Instant now, Duration notOlderThan) {
        if (from.isBefore(now.minus(notOlderThan))) {
            throw new NodeLimitExceeded("cannot request data older than " + notOlderThan.toSeconds() + "s");
        }
        Duration range = Duration.between(from, to);
        if (range.compareTo(maxDuration) > 0) {
            throw new NodeLimitExceeded("query time range is too large: " + range.toSeconds() + "s, the node allows at most "
                    + maxDuration.toSeconds() + "s");
        }
    }

    void checkPageSize(long limit) {
        if (limit < 1 || limit > maxPageSize) {
            throw new NodeLimitExceeded("limit must be positive number and not greater than " + maxPageSize);
        }
    }

    void checkFields(int fields) {
        if (fields > maxNumberOfFields) {
            throw new NodeLimitExceeded("number of fields can't be more than " + maxNumberOfFields);
        }
    }

    /** A query past a node's limit. */
    static final class NodeLimitExceeded extends IllegalArgumentException {
        NodeLimitExceeded(String message) {
            super(message);
        }
    }
}
