package dev.pier.workers;

import java.util.HexFormat;
import java.util.Objects;

/**
 * The id of one Durable Object: 64 hex digits, derived from a name ({@code idFromName}: the same
 * name, the same object) or random ({@code newUniqueId}).
 */
public final class DurableObjectId {

    private final String hex;
    private final String name;

    /** @param name the name it was derived from, or null */
    public DurableObjectId(String hex, String name) {
        Objects.requireNonNull(hex, "hex");
        if (hex.length() != 64 || !hex.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            throw new IllegalArgumentException("id: '" + hex + "' (expected: 64 lower-case hex digits)");
        }
        HexFormat.of().parseHex(hex);
        this.hex = hex;
        this.name = name;
    }

    /** The name given to {@code idFromName}, or null for a unique id. */
    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DurableObjectId other && other.hex.equals(hex);
    }

    @Override
    public int hashCode() {
        return hex.hashCode();
    }

    /** The 64 hex digits, what {@code idFromString} takes back. */
    @Override
    public String toString() {
        return hex;
    }
}
