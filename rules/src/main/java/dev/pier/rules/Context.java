package dev.pier.rules;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The values of one request's fields, in the slots the scheme gave them. Reusable: clear it
 * and set the next request's values. Bytes are Strings, Int is Long, Bool is Boolean, IP is
 * InetAddress, arrays are Lists and maps are Maps with String keys.
 */
public final class Context {

    private final Scheme scheme;
    final Object[] values;
    /** No lists until {@link #list} or {@link #useLists}: most requests use the prepared ones, and a map made here would be thrown away. */
    private Map<String, List<Object>> lists = Map.of();
    private long budget = Long.MAX_VALUE;
    private long spent;

    public Context(Scheme scheme) {
        this.scheme = scheme;
        this.values = new Object[scheme.size()];
    }

    /** Sets a field's value; a value of the wrong type is refused here, not during evaluation. */
    public Context set(String field, Object value) {
        Scheme.Field f = scheme.field(field);
        if (f == null) {
            throw new IllegalArgumentException("field: " + field + " (expected: a field of the scheme)");
        }
        if (value != null && !fits(f.type(), value)) {
            throw new IllegalArgumentException(field + ": " + value.getClass().getSimpleName()
                    + " (expected: a value of type " + f.type() + ")");
        }
        values[f.index()] = value;
        return this;
    }

    /** A field's value, or null when it is not set. */
    public Object get(String field) {
        Scheme.Field f = scheme.field(field);
        if (f == null) {
            throw new IllegalArgumentException("field: " + field + " (expected: a field of the scheme)");
        }
        return values[f.index()];
    }

    public void clear() {
        Arrays.fill(values, null);
        spent = 0;
    }

    /**
     * Bounds the work that expressions run against this context may do, in steps: a regular
     * expression or wildcard costs its program size (instructions) for each character it reads
     * plus one, RE2's worst case; every other comparison and function costs one step plus one
     * per character it reads (url_decode 16, for each pass), a {@code $list} one per member
     * ({@link Expression#cost}). A comparison that would overspend is not
     * run: the expression throws {@link EvaluationBudgetExceeded}. Unbounded until set; the
     * steps spent start again from zero.
     */
    public Context budget(long steps) {
        budget = steps;
        spent = 0;
        return this;
    }

    /** The steps spent since the budget was set (or the context cleared). */
    public long spent() {
        return spent;
    }

    /** Spends {@code steps}, or throws without spending them when that would overspend the budget. */
    void charge(long steps) {
        long total = spent + steps;
        if (total > budget || total < 0) {
            throw EvaluationBudgetExceeded.INSTANCE;
        }
        spent = total;
    }

    /**
     * Defines a list that expressions name as {@code $name}: strings, integers (Long), IP
     * addresses, or CIDR ranges written as strings ("10.0.0.0/8") for IP lists.
     */
    public Context list(String name, java.util.Collection<?> items) {
        if (!(lists instanceof java.util.HashMap)) {
            lists = new java.util.HashMap<>(lists); // shared lists are never written to
        }
        lists.put(name, Lists.members(name, items));
        return this;
    }

    /** Uses lists prepared once (per configuration) for every request, instead of building them per request. */
    public Context useLists(Lists prepared) {
        lists = prepared.byName();
        return this;
    }

    boolean inList(String name, Object value) {
        java.util.List<Object> members = lists.get(name);
        if (members == null) {
            return false;
        }
        charge(members.size()); // read one by one
        for (Object m : members) {
            if (m instanceof Cidr cidr ? value instanceof InetAddress ip && cidr.contains(ip) : m.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean fits(Type type, Object value) {
        return switch (type.kind()) {
            case BYTES -> value instanceof String;
            case INT -> value instanceof Long;
            case BOOL -> value instanceof Boolean;
            case IP -> value instanceof InetAddress;
            case ARRAY -> value instanceof List<?>;
            case MAP -> value instanceof Map<?, ?>;
        };
    }
}
