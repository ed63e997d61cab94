package dev.pier.control.api;

/**
 * A query parameter a route reads: the handler reads a number through {@link #read}, and the
 * OpenAPI document states the same name, bounds and default, so the two cannot differ.
 *
 * @param integer      a whole number from {@code min} to {@code max}; else free text
 * @param defaultValue what a missing number reads as, or null where a handler reads it only when given
 */
record QueryParameter(String name, String description, boolean integer, long min, long max, Integer defaultValue) {

    /** Cloudflare's usual paging: pages from 1 to 100,000, of 20 items by default and 5 to 50. */
    static final QueryParameter PAGE = page(100_000);
    static final QueryParameter PER_PAGE = perPage(20, 5, 50);

    static QueryParameter text(String name, String description) {
        return new QueryParameter(name, description, false, 0, 0, null);
    }

    static QueryParameter number(String name, String description, Integer defaultValue, int min, int max) {
        return new QueryParameter(name, description, true, min, max, defaultValue);
    }

    /** {@code page}: from 1; a page past the last is empty. */
    static QueryParameter page(int max) {
        return number("page", "Page number, from 1; a page past the last is empty", 1, 1, max);
    }

    static QueryParameter perPage(int defaultValue, int min, int max) {
        return number("per_page", "Items per page", defaultValue, min, max);
    }

    /** The number the request gives, or the default; anything else is Cloudflare's 1004 with the bounds. */
    int read(ApiRequest r) {
        String v = r.param(name);
        if (v == null) {
            if (defaultValue == null) {
                throw new IllegalStateException(name + " has no default: read it only when the request names it");
            }
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiException.badRequest(1004, "Invalid " + name + ": " + v + " (expected: a number from " + min + " to " + max + ")");
    }
}
