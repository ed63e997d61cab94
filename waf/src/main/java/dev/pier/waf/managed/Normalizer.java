package dev.pier.waf.managed;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Undoes the encodings attackers hide behind. Percent-decoding repeats (up to three rounds)
 * because double encoding ({@code %253C}) is a classic evasion; {@code %uXXXX}, HTML entities
 * and SQL comments are decoded too. The result is lower case with whitespace runs as one space
 * ({@code +} counts as whitespace: it is a space in form encoding, which cookies and URLs in
 * headers use).
 */
final class Normalizer {

    private static final int ROUNDS = 3;

    private Normalizer() {
    }

    static String normalize(String s) {
        String out = s;
        for (int i = 0; i < ROUNDS; i++) {
            String decoded = percentDecode(out);
            if (decoded.equals(out)) {
                break;
            }
            out = decoded;
        }
        if (out.indexOf('&') >= 0) {
            out = entityDecode(out);
        }
        return squeeze(out.toLowerCase(Locale.ROOT));
    }

    /** Lenient: a malformed escape stays as it is. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        byte[] bytes = new byte[s.length() * 3];
        int n = 0;
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 5 < s.length() && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')
                    && hex(s, i + 2, 4) >= 0) {
                n = flush(bytes, n, out);
                out.append((char) hex(s, i + 2, 4));
                i += 5;
            } else if (c == '%' && i + 2 < s.length() && hex(s, i + 1, 2) >= 0) {
                int b = hex(s, i + 1, 2);
                if (n > 0 && (bytes[n - 1] & 0xfe) == 0xc0 && overlong(bytes[n - 1], b) != 0) {
                    bytes[n - 1] = (byte) overlong(bytes[n - 1], b); // %c0%af is '/' to a lax decoder
                } else {
                    bytes[n++] = (byte) b;
                }
                i += 2;
            } else {
                n = flush(bytes, n, out);
                out.append(c);
            }
        }
        flush(bytes, n, out);
        return out.toString();
    }

    /** The ASCII character an overlong two-byte UTF-8 sequence stands for ({@code C0 AF} is '/'), or 0. */
    private static int overlong(byte first, int second) {
        int cp = ((first & 0x1f) << 6) | (second & 0x3f);
        return (second & 0xc0) == 0x80 && (cp == '/' || cp == '\\' || cp == '.') ? cp : 0;
    }

    private static int flush(byte[] bytes, int n, StringBuilder out) {
        if (n > 0) {
            out.append(new String(bytes, 0, n, StandardCharsets.UTF_8));
        }
        return 0;
    }

    private static int hex(String s, int from, int digits) {
        if (from + digits > s.length()) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < from + digits; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }

    /** Numeric entities ({@code &#60;}, {@code &#x3c;}, with or without the semicolon) and the few named ones that matter. */
    static String entityDecode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '&') {
                out.append(c);
                continue;
            }
            int end = i + 1;
            if (end < s.length() && s.charAt(end) == '#') {
                boolean hexadecimal = end + 1 < s.length() && (s.charAt(end + 1) == 'x' || s.charAt(end + 1) == 'X');
                int start = end + (hexadecimal ? 2 : 1);
                int j = start;
                while (j < s.length() && j - start < 8 && Character.digit(s.charAt(j), hexadecimal ? 16 : 10) >= 0) {
                    j++;
                }
                if (j > start) {
                    int cp = Integer.parseInt(s.substring(start, j), hexadecimal ? 16 : 10);
                    if (Character.isValidCodePoint(cp)) {
                        out.appendCodePoint(cp);
                        i = j < s.length() && s.charAt(j) == ';' ? j : j - 1;
                        continue;
                    }
                }
            } else {
                int semi = s.indexOf(';', end);
                if (semi > end && semi - end <= 6) {
                    String name = s.substring(end, semi).toLowerCase(Locale.ROOT);
                    String value = switch (name) {
                        case "lt" -> "<";
                        case "gt" -> ">";
                        case "quot" -> "\"";
                        case "apos" -> "'";
                        case "amp" -> "&";
                        case "colon" -> ":";
                        case "tab" -> "\t";
                        case "newline" -> "\n";
                        case "lpar" -> "(";
                        case "rpar" -> ")";
                        case "sol" -> "/";
                        default -> null;
                    };
                    if (value != null) {
                        out.append(value);
                        i = semi;
                        continue;
                    }
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /** SQL comments {@code /* ... *}{@code /} become a space; control characters and whitespace runs become one space. */
    static String squeeze(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean space = false;
        boolean unclosed = false; // once no "*/" follows, none will: linear time on "/*/*/*…"
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!unclosed && c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                unclosed = end < 0;
                if (end > 0 && i + 2 < s.length() && s.charAt(i + 2) == '!') {
                    // MySQL runs what is inside /*!50000 ... */: keep it, drop the markers
                    int from = i + 3;
                    while (from < end && Character.isDigit(s.charAt(from))) {
                        from++;
                    }
                    out.append(' ').append(squeeze(s.substring(from, end))).append(' ');
                    i = end + 1;
                    space = true;
                    continue;
                }
                if (end > 0) {
                    i = end + 1;
                    c = ' ';
                }
            }
            if (c <= ' ' || c == '+' || c == 0x7f || c == 0xa0) {
                if (!space) {
                    out.append(' ');
                }
                space = true;
                continue;
            }
            space = false;
            out.append(c);
        }
        return out.toString();
    }
}
