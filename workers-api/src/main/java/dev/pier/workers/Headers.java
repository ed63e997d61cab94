package dev.pier.workers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * HTTP headers as the Fetch standard's {@code Headers}: names are case-insensitive and kept in
 * lower case, {@link #get} joins a repeated header's values with {@code ", "}, and
 * {@link #getSetCookie} returns each {@code Set-Cookie} on its own. Not thread-safe.
 */
public final class Headers {

    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

    public Headers() {
    }

    /** A copy of {@code other}. */
    public Headers(Headers other) {
        names.addAll(other.names);
        values.addAll(other.values);
    }

    /** Headers from name/value pairs, in order. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("namesAndValues: " + namesAndValues.length + " strings (expected: name, value pairs)");
        }
        Headers h = new Headers();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            h.append(namesAndValues[i], namesAndValues[i + 1]);
        }
        return h;
    }

    /** The header's values joined with {@code ", "}, or null when it is absent. */
    public String get(String name) {
        String n = normalize(name);
        StringBuilder joined = null;
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(n)) {
                if (joined == null) {
                    joined = new StringBuilder(values.get(i));
                } else {
                    joined.append(", ").append(values.get(i));
                }
            }
        }
        return joined == null ? null : joined.toString();
    }

    /** Every {@code Set-Cookie} value, each on its own (they cannot be joined). */
    public List<String> getSetCookie() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals("set-cookie")) {
                out.add(values.get(i));
            }
        }
        return out;
    }

    public boolean has(String name) {
        return names.contains(normalize(name));
    }

    /** Replaces every value of the header with {@code value}. */
    public Headers set(String name, String value) {
        delete(name);
        return append(name, value);
    }

    /** Adds a value, keeping the ones there. */
    public Headers append(String name, String value) {
        names.add(normalize(name));
        values.add(checkValue(name, value));
        return this;
    }

    public Headers delete(String name) {
        String n = normalize(name);
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equals(n)) {
                names.remove(i);
                values.remove(i);
            }
        }
        return this;
    }

    /** Each name (lower case) and value, in the order they were added. */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < names.size(); i++) {
            action.accept(names.get(i), values.get(i));
        }
    }

    /** Each name (lower case) and value, in the order they were added. */
    public List<Map.Entry<String, String>> entries() {
        List<Map.Entry<String, String>> out = new ArrayList<>(names.size());
        forEach((n, v) -> out.add(Map.entry(n, v)));
        return out;
    }

    public int size() {
        return names.size();
    }

    private static String normalize(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: empty (expected: an HTTP token)");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                throw new IllegalArgumentException("name: " + name + " (expected: an HTTP token)");
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private static String checkValue(String name, String value) {
        Objects.requireNonNull(value, "value");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException(name + ": a value with CR, LF or NUL (expected: one line)");
            }
        }
        return value.strip();
    }

    @Override
    public String toString() {
        return entries().toString();
    }
}
