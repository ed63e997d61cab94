package dev.pier.config;

import java.util.Locale;

/**
 * A zone's URL normalization setting, as Cloudflare's ({@code PUT /zones/{id}/url_normalization}):
 * which normalization runs on the request path, and where its result is used.
 *
 * @param type  what is normalized: {@link Type#RFC3986} or, on top of it, {@link Type#CLOUDFLARE}'s
 *              backslashes and repeated slashes
 * @param scope whether rules see the normalized path ({@link Scope#INCOMING}), the origin gets it
 *              too ({@link Scope#BOTH}), or nothing is normalized ({@link Scope#NONE})
 */
public record UrlNormalization(Type type, Scope scope) {

    /** Cloudflare's default for every zone: its own normalization, for the rules only. */
    public static final UrlNormalization DEFAULT = new UrlNormalization(Type.CLOUDFLARE, Scope.INCOMING);

    public UrlNormalization {
        java.util.Objects.requireNonNull(type, "type");
        java.util.Objects.requireNonNull(scope, "scope");
    }

    /** The normalization types, named as in Cloudflare's API. */
    public enum Type {
        /** RFC 3986 (§6.2.2): unreserved characters decoded, other bytes encoded, escapes upper case, dot segments removed. */
        RFC3986,
        /** {@link #RFC3986} after backslashes become slashes and runs of slashes become one. */
        CLOUDFLARE;

        /** The API's and the configuration file's name: {@code cloudflare}, {@code rfc3986}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The type an id names, or null. */
        public static Type of(String id) {
            for (Type t : values()) {
                if (t.id().equals(id)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** Where the normalized URL is used, named as in Cloudflare's API. */
    public enum Scope {
        /** The rules see the normalized path; the origin gets the request target as the client sent it. */
        INCOMING,
        /** The rules see the normalized path, and the origin gets it too. */
        BOTH,
        /** No normalization: the rules and the origin see the path as the client sent it. */
        NONE;

        /** The API's and the configuration file's name: {@code incoming}, {@code both}, {@code none}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The scope an id names, or null. */
        public static Scope of(String id) {
            for (Scope s : values()) {
                if (s.id().equals(id)) {
                    return s;
                }
            }
            return null;
        }
    }

    /** Whether the rules see a normalized path. */
    public boolean normalizesIncoming() {
        return scope != Scope.NONE;
    }

    /** Whether the origin gets the normalized request target in place of the client's. */
    public boolean normalizesToOrigin() {
        return scope == Scope.BOTH;
    }
}
