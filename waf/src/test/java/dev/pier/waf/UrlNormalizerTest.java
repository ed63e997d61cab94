package dev.pier.waf;

import static dev.pier.config.UrlNormalization.Type.CLOUDFLARE;
import static dev.pier.config.UrlNormalization.Type.RFC3986;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pier.config.UrlNormalization;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UrlNormalizerTest {

    /** Cloudflare's own examples (developers.cloudflare.com/rules/normalization/examples), path by path. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '§', textBlock = """
            /hello               | RFC3986    | /hello
            /%68ello             | RFC3986    | /hello
            /%68ello             | CLOUDFLARE | /hello
            /%68ello//pa\\th     | RFC3986    | /hello//pa%5Cth
            /%68ello//pa\\th     | CLOUDFLARE | /hello/pa/th
            /hello//../path      | RFC3986    | /hello/path
            /hello//../path      | CLOUDFLARE | /path
            /hello/\\../path     | RFC3986    | /hello/%5C../path
            /hello/\\../path     | CLOUDFLARE | /path
            """)
    void cloudflaresExamples(String path, UrlNormalization.Type type, String expected) {
        assertEquals(expected, UrlNormalizer.normalizePath(path, type));
    }

    /** The bypasses of issue 9: every spelling of /admin is /admin. */
    @ParameterizedTest
    @ValueSource(strings = {"/%61dmin", "/%61%64%6D%69%6E", "/%61%64%6d%69%6e", "//admin", "///admin", "/./admin", "/x/../admin",
            "/%2e/admin", "/%2E/admin", "/x/%2e%2e/admin", "/x/.%2e/admin", "/x/%2e./admin", "\\admin", "/\\admin",
            "/x/..\\admin", "/x\\..\\admin", "/../admin", "/../../../admin", "/x/y/../../admin", "/.//admin", "/x//../admin",
            "/admin/.", "/admin/x/.."})
    void everySpellingOfAdminIsAdmin(String path) {
        String normalized = UrlNormalizer.normalizePath(path, CLOUDFLARE);
        assertTrue(normalized.equals("/admin") || normalized.equals("/admin/"), path + " -> " + normalized);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '§', textBlock = """
            /a/b/c/./../../g     | /a/g
            /a/b/..              | /a/
            /a/b/.               | /a/b/
            /..                  | /
            /.                   | /
            /                    | /
            /a/                  | /a/
            /.well-known/x       | /.well-known/x
            /a/..b/c             | /a/..b/c
            /a/.b/c              | /a/.b/c
            /a/...               | /a/...
            """)
    void dotSegmentsAsRfc3986Removes(String path, String expected) {
        assertEquals(expected, UrlNormalizer.normalizePath(path, RFC3986));
    }

    /**
     * Reserved characters and their escapes are left alone: %2F is data, not a separator, so it
     * neither merges with a slash nor makes a dot segment, as on Cloudflare.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '§', textBlock = """
            /a%2fb               | /a%2Fb
            /a%2Fb               | /a%2Fb
            /x/..%2fadmin        | /x/..%2Fadmin
            /%2F%2Fadmin         | /%2F%2Fadmin
            /x%5C..%5Cadmin      | /x%5C..%5Cadmin
            /a;b=c,d/e:f@g!$&'()*+ | /a;b=c,d/e:f@g!$&'()*+
            /%3B%2C%40           | /%3B%2C%40
            /a%20b               | /a%20b
            """)
    void reservedCharactersAndTheirEscapesStay(String path, String expected) {
        assertEquals(expected, UrlNormalizer.normalizePath(path, CLOUDFLARE));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '§', textBlock = """
            /a%00b               | /a%00b
            /a%zzb               | /a%25zzb
            /a%4                 | /a%254
            /a%                  | /a%25
            /%%34%31             | /%2541
            /%2%41               | /%252A
            /%252e%252e/admin    | /%252e%252e/admin
            /%C0%AE%C0%AE/admin  | /%C0%AE%C0%AE/admin
            /%c0%af/admin        | /%C0%AF/admin
            /a b                 | /a%20b
            /a"<>`{}^b           | /a%22%3C%3E%60%7B%7D%5Eb
            """)
    void hostileEscapesAndBytesAreEscaped(String path, String expected) {
        assertEquals(expected, UrlNormalizer.normalizePath(path, CLOUDFLARE));
    }

    @Test
    void bytesOfTextAreEscapedOnePerByte() {
        // the edge reads the request line one character per byte: "é" in UTF-8 arrives as two characters
        assertEquals("/caf%C3%A9", UrlNormalizer.normalizePath("/caf\u00c3\u00a9", CLOUDFLARE));
        assertEquals("/caf%C3%A9", UrlNormalizer.normalizePath("/caf\u00e9".replace("\u00e9", "\u00c3\u00a9"), RFC3986));
        assertEquals("/%E2%82%AC", UrlNormalizer.normalizePath("/\u20ac", CLOUDFLARE)); // a wider character: its UTF-8 bytes
        assertEquals("/a%00b", UrlNormalizer.normalizePath("/a\u0000b", CLOUDFLARE));
        assertEquals("/a%0D%0Ab", UrlNormalizer.normalizePath("/a\r\nb", CLOUDFLARE));
        assertEquals("/a%7Cb", UrlNormalizer.normalizePath("/a|b", CLOUDFLARE));
    }

    @Test
    void theQueryIsNeverChanged() {
        assertEquals("/admin?x=%61&y=../..//z", UrlNormalizer.normalizeTarget("/%61dmin?x=%61&y=../..//z", CLOUDFLARE));
        assertEquals("/admin?", UrlNormalizer.normalizeTarget("//admin?", CLOUDFLARE));
        String unchanged = "/a/b?x=%61";
        assertSame(unchanged, UrlNormalizer.normalizeTarget(unchanged, CLOUDFLARE));
    }

    @Test
    void onlyOriginFormPathsAreNormalized() {
        assertEquals("*", UrlNormalizer.normalizePath("*", CLOUDFLARE));
        assertEquals("", UrlNormalizer.normalizePath("", CLOUDFLARE));
        assertEquals("a/../b", UrlNormalizer.normalizePath("a/../b", CLOUDFLARE));
        assertEquals("\\admin", UrlNormalizer.normalizePath("\\admin", RFC3986)); // for RFC 3986 a backslash is no separator
    }

    @Test
    void scopeNoneLeavesTheTargetAlone() {
        assertEquals("//%61dmin", UrlNormalizer.incoming("//%61dmin", new UrlNormalization(CLOUDFLARE, UrlNormalization.Scope.NONE)));
        assertEquals("/admin", UrlNormalizer.incoming("//%61dmin", new UrlNormalization(CLOUDFLARE, UrlNormalization.Scope.BOTH)));
        assertEquals("//admin", UrlNormalizer.incoming("//%61dmin", new UrlNormalization(RFC3986, UrlNormalization.Scope.INCOMING)));
    }

    @Test
    void aNormalPathIsReturnedAsItIs() {
        String path = "/api/v1/chat-room_7~x;y=1";
        assertSame(path, UrlNormalizer.normalizePath(path, CLOUDFLARE));
        assertSame(path, UrlNormalizer.normalizePath(path, RFC3986));
    }

    @Test
    void anOverlongPathIsNormalizedInLinearTime() {
        String dots = "/x/..".repeat(200_000) + "/admin"; // 1 MB, far above the edge's 16 KiB request-target limit
        long start = System.nanoTime();
        assertEquals("/admin", UrlNormalizer.normalizePath(dots, CLOUDFLARE));
        assertEquals("/admin", UrlNormalizer.normalizePath("/".repeat(1_000_000) + "admin", CLOUDFLARE));
        String escaped = UrlNormalizer.normalizePath("/" + "\u00ff".repeat(1_000_000), CLOUDFLARE);
        assertEquals(1 + 3_000_000, escaped.length());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "a megabyte path takes well under a second");
    }

    /**
     * Properties over random paths made of the characters that matter: normalizing twice is
     * normalizing once; the result is ASCII the URI grammar allows, every % starts an upper-case
     * escape, no dot segment is left, and (Cloudflare's type) no empty segment but a trailing one.
     */
    @Test
    void randomPathsNormalizeToAFixedPointOfTheGrammar() {
        String[] pieces = {"/", "/", "//", ".", "..", "\\", "%", "%2e", "%2E", "%2f", "%5c", "%41", "%7e", "%7E", "%00", "%zz",
                "%4", "%25", "a", "Z", "0", "-", "_", "~", "?", ";", "=", " ", "\u00e9", "\u00ff", "\u20ac", "%c0%ae", "#", "\u0000"};
        Random random = new Random(9);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder path = new StringBuilder("/");
            int n = random.nextInt(12);
            for (int j = 0; j < n; j++) {
                path.append(pieces[random.nextInt(pieces.length)]);
            }
            String p = path.toString().replace("?", "");
            for (UrlNormalization.Type type : UrlNormalization.Type.values()) {
                String once = UrlNormalizer.normalizePath(p, type);
                String context = type + ": " + p + " -> " + once;
                assertEquals(once, UrlNormalizer.normalizePath(once, type), context);
                assertTrue(once.startsWith("/") && once.length() <= 3 * p.length() * 3, context);
                for (int k = 0; k < once.length(); k++) {
                    char c = once.charAt(k);
                    boolean allowed = c < 0x80 && c > 0x20 && "\"<>\\^`{|}".indexOf(c) < 0;
                    boolean escape = c != '%' || k + 2 < once.length() && isUpperHex(once.charAt(k + 1)) && isUpperHex(once.charAt(k + 2));
                    assertTrue(allowed && escape, context);
                }
                String segments = once + "/";
                assertFalse(segments.contains("/./") || segments.contains("/../"), context);
                assertFalse(type == CLOUDFLARE && once.contains("//"), context);
            }
        }
    }

    private static boolean isUpperHex(char c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'F';
    }
}
