package dev.pier.workers;

/**
 * What {@link DurableObjectStorage#list} returns, with Cloudflare's options: keys from {@code start}
 * (inclusive) or after {@code startAfter}, before {@code end} (exclusive), starting with
 * {@code prefix}, in reverse order, at most {@code limit} of them. Keys are ordered by their UTF-8
 * bytes. Null or 0 leave an option out.
 */
public record ListOptions(String start, String startAfter, String end, String prefix, boolean reverse, int limit) {

    public static final ListOptions ALL = new ListOptions(null, null, null, null, false, 0);

    public ListOptions {
        if (start != null && startAfter != null) {
            throw new IllegalArgumentException("startAfter: " + startAfter + " (expected: not together with start " + start + ")");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: a positive number, or 0 for none)");
        }
    }

    public ListOptions start(String key) {
        return new ListOptions(key, startAfter, end, prefix, reverse, limit);
    }

    public ListOptions startAfter(String key) {
        return new ListOptions(start, key, end, prefix, reverse, limit);
    }

    public ListOptions end(String key) {
        return new ListOptions(start, startAfter, key, prefix, reverse, limit);
    }

    public ListOptions prefix(String keyPrefix) {
        return new ListOptions(start, startAfter, end, keyPrefix, reverse, limit);
    }

    public ListOptions reverse(boolean descending) {
        return new ListOptions(start, startAfter, end, prefix, descending, limit);
    }

    public ListOptions limit(int max) {
        return new ListOptions(start, startAfter, end, prefix, reverse, max);
    }
}
