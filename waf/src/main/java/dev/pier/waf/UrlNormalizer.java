package dev.pier.waf;

import dev.pier.config.UrlNormalization;
import java.nio.charset.StandardCharsets;

/**
 * Cloudflare's URL normalization of a request path, so that one rule on {@code /admin} also
 * holds for {@code /%61dmin}, {@code /./admin}, {@code /x/../admin} and, with the
 * {@code cloudflare} type, {@code //admin} and {@code \admin}.
 *
 * <p>{@link UrlNormalization.Type#RFC3986} (RFC 3986 §6.2.2):
 * <ul>
 *   <li>escapes of unreserved characters are decoded: {@code %41}-{@code %5A}, {@code %61}-{@code %7A},
 *       {@code %30}-{@code %39}, {@code %2D}, {@code %2E}, {@code %5F}, {@code %7E};</li>
 *   <li>reserved characters ({@code : / ? # [ ] @ ! $ & ' ( ) * + , ; =}) stay as they are, and so
 *       do their escapes: {@code %2F} is data, not a separator, and never becomes one;</li>
 *   <li>other bytes (controls, space, {@code "}, {@code \}, bytes of UTF-8 text, ...) are escaped;</li>
 *   <li>the hex digits of every escape are upper case;</li>
 *   <li>dot segments are removed (RFC 3986 §5.2.4), after the decoding, so {@code %2e%2e} counts.</li>
 * </ul>
 * {@link UrlNormalization.Type#CLOUDFLARE} first turns backslashes into slashes and merges runs of
 * slashes into one, then does the above.
 *
 * <p>What is decided here beyond Cloudflare's description:
 * <ul>
 *   <li>a {@code %} that does not start an escape of two hex digits ({@code %zz}, {@code %4} at the
 *       end) is a byte a URI cannot hold as it is, and is escaped like one: {@code %25}. So decoding
 *       never builds a new escape out of its pieces ({@code %%34%31} is {@code %2541}, never
 *       {@code %41} nor {@code A}), and normalizing twice changes nothing;</li>
 *   <li>{@code %00} is an escape of a character that is not unreserved: it stays {@code %00};</li>
 *   <li>only ASCII is decoded: an overlong UTF-8 form of a dot or slash ({@code %C0%AE},
 *       {@code %C0%AF}) stays escaped, and is never a dot segment or a separator;</li>
 *   <li>the request target is taken as bytes the way the edge reads the request line (one
 *       character per byte); a character above U+00FF counts as its UTF-8 bytes;</li>
 *   <li>only paths starting with {@code /} (origin form; with the {@code cloudflare} type a
 *       backslash too, being a slash) are normalized; anything else (the {@code *} of
 *       {@code OPTIONS *}) is returned as it is. The query is never changed.</li>
 * </ul>
 * The result is at most three times as long as the path; the work is linear in its length.
 */
public final class UrlNormalizer {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final byte UNRESERVED = 1;
    private static final byte RESERVED = 2;
    /** What each ASCII character is to RFC 3986 (§2.2, §2.3); 0 for the others. */
    private static final byte[] KIND = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
                KIND[c] = UNRESERVED;
            } else if (":/?#[]@!$&'()*+,;=".indexOf(c) >= 0) {
                KIND[c] = RESERVED;
            }
        }
    }

    private UrlNormalizer() {
    }

    /** The request target ({@code path?query}) with its path normalized and its query as sent. */
    public static String normalizeTarget(String target, UrlNormalization.Type type) {
        int q = target.indexOf('?');
        if (q < 0) {
            return normalizePath(target, type);
        }
        String path = target.substring(0, q);
        String normalized = normalizePath(path, type);
        return normalized.equals(path) ? target : normalized + target.substring(q);
    }

    /** The request target as the zone's rules see it: normalized unless the setting's scope is {@code none}. */
    public static String incoming(String target, UrlNormalization setting) {
        return setting.normalizesIncoming() ? normalizeTarget(target, setting.type()) : target;
    }

    /** A path normalized by {@code type}; the same instance when it is already normal. */
    public static String normalizePath(String path, UrlNormalization.Type type) {
        if (path.isEmpty() || !(path.charAt(0) == '/' || path.charAt(0) == '\\' && type == UrlNormalization.Type.CLOUDFLARE)
                || isNormal(path)) {
            return path;
        }
        byte[] bytes = bytes(path);
        if (type == UrlNormalization.Type.CLOUDFLARE) {
            bytes = mergeSlashes(bytes);
        }
        return removeDotSegments(encode(bytes));
    }

    /** A path no step would change: only unreserved and reserved characters, no escape, no dot segment, no {@code //}. */
    private static boolean isNormal(String path) {
        char previous = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (!isAllowed(c)) { // '%' too: an escape may need decoding or upper case
                return false;
            }
            if (previous == '/' && (c == '/' || c == '.')) {
                return false; // "//", or a segment starting with a dot: "." and ".." are looked at the slow way
            }
            previous = c;
        }
        return true;
    }

    /** One byte per character as the edge reads the request line; characters above U+00FF as UTF-8. */
    private static byte[] bytes(String path) {
        boolean narrow = true;
        for (int i = 0; i < path.length() && narrow; i++) {
            narrow = path.charAt(i) < 0x100;
        }
        if (!narrow) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(path.length() + 16);
            for (int i = 0; i < path.length(); i++) {
                char c = path.charAt(i);
                if (c < 0x100) {
                    out.write(c);
                } else {
                    int end = Character.isHighSurrogate(c) && i + 1 < path.length() ? i + 2 : i + 1;
                    out.writeBytes(path.substring(i, end).getBytes(StandardCharsets.UTF_8));
                    i = end - 1;
                }
            }
            return out.toByteArray();
        }
        return path.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Cloudflare's two steps: a backslash is a slash, and a run of slashes is one. */
    private static byte[] mergeSlashes(byte[] in) {
        byte[] out = new byte[in.length];
        int n = 0;
        for (byte b : in) {
            byte c = b == '\\' ? (byte) '/' : b;
            if (c == '/' && n > 0 && out[n - 1] == '/') {
                continue;
            }
            out[n++] = c;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Escapes decoded or upper-cased, other bytes escaped: the result is ASCII, and its only slashes are separators. */
    private static String encode(byte[] in) {
        StringBuilder out = new StringBuilder(in.length + 8);
        for (int i = 0; i < in.length; i++) {
            int b = in[i] & 0xFF;
            if (b == '%') {
                int hi = i + 2 < in.length ? hex(in[i + 1]) : -1;
                int lo = hi < 0 ? -1 : hex(in[i + 2]);
                if (lo < 0) {
                    escape(out, '%'); // not an escape: the % itself is the byte
                    continue;
                }
                int decoded = hi * 16 + lo;
                if (isUnreserved(decoded)) {
                    out.append((char) decoded);
                } else {
                    escape(out, decoded);
                }
                i += 2;
            } else if (isAllowed(b)) {
                out.append((char) b);
            } else {
                escape(out, b);
            }
        }
        return out.toString();
    }

    /** RFC 3986 §5.2.4 on an absolute path: {@code .} segments go, a {@code ..} segment takes the one before it along. */
    private static String removeDotSegments(String path) {
        if (!path.contains("/.")) {
            return path;
        }
        String[] segments = path.substring(1).split("/", -1);
        String[] kept = new String[segments.length];
        int n = 0;
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals(".") || s.equals("..")) {
                if (s.equals("..") && n > 0) {
                    n--;
                }
                if (last) {
                    kept[n++] = ""; // "/a/b/.." is "/a/": the path still names a directory
                }
            } else {
                kept[n++] = s;
            }
        }
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < n; i++) {
            out.append('/').append(kept[i]);
        }
        return n == 0 ? "/" : out.toString();
    }

    private static void escape(StringBuilder out, int b) {
        out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
    }

    private static int hex(byte b) {
        return b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
    }

    /** RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~". */
    private static boolean isUnreserved(int c) {
        return c < 128 && KIND[c] == UNRESERVED;
    }

    /** Unreserved, or reserved (RFC 3986 §2.2: gen-delims and sub-delims): what a URI may hold as it is. */
    private static boolean isAllowed(int c) {
        return c < 128 && KIND[c] != 0;
    }
}
