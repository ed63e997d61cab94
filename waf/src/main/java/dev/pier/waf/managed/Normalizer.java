package dev.pier.waf.managed;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The transformations of the managed rules' inputs. Decoding undoes the encodings attackers
 * hide behind: percent-decoding repeats (up to three rounds) because double encoding
 * ({@code %253C}) is a classic evasion; {@code %uXXXX} and HTML entities are decoded too; the
 * result is lower case. From the decoded text come the views rules look at ({@link View}):
 * the decoded view removes nothing; the uncommented view drops comments; the SQL view spaces
 * out what MySQL reads as separate tokens. What a comment holds is also an input of its own
 * ({@link #commentBodies}), so that wrapping an attack in a comment never hides it.
 */
final class Normalizer {

    private static final int ROUNDS = 3;
    /** How deep comment bodies are taken out of comment bodies: an attack in a comment in a comment needs two. */
    static final int COMMENT_DEPTH = 2;

    private Normalizer() {
    }

    /** Percent-decoded (again and again), HTML entities decoded, lower case. */
    static String decode(String s) {
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
        return out.toLowerCase(Locale.ROOT);
    }

    /**
     * The decoded view: {@link #decode}, with each run of whitespace and control characters as
     * one space, or one line break when the run holds one (a line break separates shell
     * commands). Nothing is removed.
     */
    static String decoded(String raw) {
        String s = decode(raw);
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (!blank(c)) {
                out.append(c);
                i++;
                continue;
            }
            boolean lineBreak = false;
            for (; i < s.length() && blank(s.charAt(i)); i++) {
                lineBreak |= s.charAt(i) == '\n' || s.charAt(i) == '\r';
            }
            out.append(lineBreak ? '\n' : ' ');
        }
        return out.length() == s.length() && out.toString().equals(s) ? s : out.toString();
    }

    private static boolean blank(char c) {
        return c <= ' ' || c == 0x7f || c == 0xa0;
    }

    /**
     * The uncommented view of a decoded view: SQL and C block comments become a space, and so
     * do line comments ({@code -- } and {@code #}) that a line break ends; MySQL's
     * {@code /*! ... *}{@code /} keeps its content. {@code +} is a space (form encoding, which
     * cookies and URLs in headers use), and every whitespace run one space.
     */
    static String uncommented(String decoded) {
        if (!mayHoldComments(decoded) && decoded.indexOf('+') < 0 && decoded.indexOf('\n') < 0) {
            return decoded;
        }
        return squeeze(decoded);
    }

    /** False when a decoded view holds no comment (the common case, found with a few vectorised scans). */
    static boolean mayHoldComments(String decoded) {
        return decoded.indexOf("/*") >= 0 || decoded.indexOf('#') >= 0 || decoded.indexOf("--") >= 0; // "<!--" holds "--"
    }

    /**
     * What comments hold, each as an input of its own: the bodies of SQL and C block comments,
     * of HTML comments, and of line comments ({@code -- } and {@code #}, to the line's end),
     * an unclosed comment's to the end of the input; trimmed, empty ones left out. A body is
     * the decoded view of its text; bodies within bodies are found by calling this on a body.
     */
    static List<String> commentBodies(String decoded) {
        if (!mayHoldComments(decoded)) {
            return List.of();
        }
        List<String> bodies = null;
        int n = decoded.length();
        int i = 0;
        while (i < n) {
            char c = decoded.charAt(i);
            int from;
            int end;
            int next;
            if (c == '/' && i + 1 < n && decoded.charAt(i + 1) == '*') {
                from = i + 2;
                end = decoded.indexOf("*/", from);
                next = end < 0 ? n : end + 2;
            } else if (c == '<' && decoded.startsWith("<!--", i)) {
                from = i + 4;
                end = decoded.indexOf("-->", from);
                next = end < 0 ? n : end + 3;
            } else if (c == '#' || c == '-' && i + 1 < n && decoded.charAt(i + 1) == '-' && (i + 2 == n || blank(decoded.charAt(i + 2)))) {
                from = i + (c == '#' ? 1 : 2);
                end = decoded.indexOf('\n', from);
                next = end < 0 ? n : end + 1;
            } else {
                i++;
                continue;
            }
            String body = decoded.substring(from, end < 0 ? n : end).strip();
            if (!body.isEmpty()) {
                bodies = bodies == null ? new ArrayList<>(2) : bodies;
                bodies.add(body);
            }
            i = next;
        }
        return bodies == null ? List.of() : bodies;
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

    /**
     * A decoded view with the comment markers ({@code /*}, {@code /*!50000}, {@code *}{@code /},
     * {@code <!--}, {@code -->}, {@code -- } and {@code #}) each replaced by a space and what
     * they held kept, trimmed: the Core Ruleset's {@code t:removeCommentsChar}. Where comments
     * do not line up with the attack's own syntax ({@code /* rooms/'/**}{@code /or/**}{@code /1=1 *}{@code /}),
     * this is the view that reads on through them.
     */
    static String unmarked(String decoded) {
        StringBuilder out = new StringBuilder(decoded.length());
        int n = decoded.length();
        for (int i = 0; i < n; i++) {
            char c = decoded.charAt(i);
            int marker = 0;
            if (c == '/' && i + 1 < n && decoded.charAt(i + 1) == '*') {
                marker = 2;
                if (i + 2 < n && decoded.charAt(i + 2) == '!') {
                    marker = 3;
                    while (i + marker < n && Character.isDigit(decoded.charAt(i + marker))) {
                        marker++;
                    }
                }
            } else if (c == '*' && i + 1 < n && decoded.charAt(i + 1) == '/') {
                marker = 2;
            } else if (c == '<' && decoded.startsWith("<!--", i)) {
                marker = 4;
            } else if (c == '-' && decoded.startsWith("-->", i)) {
                marker = 3;
            } else if (c == '-' && i + 1 < n && decoded.charAt(i + 1) == '-' && (i + 2 == n || blank(decoded.charAt(i + 2)))) {
                marker = 2;
            } else if (c == '#') {
                marker = 1;
            }
            if (marker > 0) {
                if (out.isEmpty() || out.charAt(out.length() - 1) != ' ') {
                    out.append(' ');
                }
                i += marker - 1;
            } else if (c != ' ' || !out.isEmpty() && out.charAt(out.length() - 1) != ' ') {
                out.append(c);
            }
        }
        return out.toString().strip();
    }

    /** See {@link #uncommented}. */
    static String squeeze(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean space = false;
        boolean unclosed = false; // once no "*/" follows, none will: linear time on "/*/*/*…"
        int lastLineBreak = s.lastIndexOf('\n'); // and no line comment is looked for after it: "####…"
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!unclosed && c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                unclosed = end < 0;
                if (end > 0 && i + 2 < n && s.charAt(i + 2) == '!') {
                    // MySQL runs what is inside /*!50000 ... */: keep it, drop the markers
                    int from = i + 3;
                    while (from < end && Character.isDigit(s.charAt(from))) {
                        from++;
                    }
                    out.append(space ? "" : " ").append(squeeze(s.substring(from, end))).append(' ');
                    i = end + 1;
                    space = true;
                    continue;
                }
                if (end > 0) {
                    i = end + 1;
                    c = ' ';
                }
            } else if (i < lastLineBreak && (c == '#' || c == '-' && i + 2 < n && s.charAt(i + 1) == '-' && blank(s.charAt(i + 2)))) {
                int end = s.indexOf('\n', i + 1);
                if (end > 0) {
                    i = end; // a line comment a line break ends: MySQL reads on after it
                    c = ' ';
                }
            }
            if (blank(c) || c == '+') {
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

    /**
     * The SQL view of an uncommented view: a space wherever MySQL's lexer sees two tokens with
     * none between them, so that patterns written with spaces match keywords glued together:
     * after a number followed by a keyword ({@code 1union}, {@code 1e0union}, {@code 3from}),
     * around parentheses, commas, semicolons, backtick-quoted names and operators
     * ({@code union(select(1))}, {@code or-1=-1}, {@code select`a`from`b`}).
     */
    static String sql(String uncommented) {
        int n = uncommented.length();
        StringBuilder out = new StringBuilder(n + 16);
        int i = 0;
        while (i < n) {
            char c = uncommented.charAt(i);
            boolean numberStart = Character.isDigit(c) || c == '.' && i + 1 < n && Character.isDigit(uncommented.charAt(i + 1));
            if (numberStart && (i == 0 || !word(uncommented.charAt(i - 1)))) {
                int end = Detectors.numberEnd(uncommented, i);
                if (end < n && Character.isLetter(uncommented.charAt(end)) && Detectors.keyword(wordAt(uncommented, end))) {
                    out.append(uncommented, i, end).append(' ');
                    i = end;
                    continue;
                }
                int j = end;
                while (j < n && word(uncommented.charAt(j))) {
                    j++;
                }
                out.append(uncommented, i, j);
                i = j;
            } else if (c == '`') {
                int close = uncommented.indexOf('`', i + 1);
                int end = close < 0 ? n : close + 1;
                out.append(' ').append(uncommented, i, end).append(' ');
                i = end;
            } else if (c == '(' || c == ')' || c == ',' || c == ';') {
                out.append(' ').append(c).append(' ');
                i++;
            } else if (OPERATORS.indexOf(c) >= 0) {
                int length = 1;
                for (String op : LONG_OPERATORS) {
                    if (uncommented.startsWith(op, i)) {
                        length = op.length();
                        break;
                    }
                }
                out.append(' ').append(uncommented, i, i + length).append(' ');
                i += length;
            } else {
                out.append(c);
                i++;
            }
        }
        return squeezeSpaces(out);
    }

    private static final String OPERATORS = "=<>!|&~^*+-/%";
    private static final String[] LONG_OPERATORS = {"<=>", "||", "&&", "<>", "!=", "<=", ">=", "<<", ">>", "--"};

    private static boolean word(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '.' || c == '@';
    }

    private static String wordAt(String s, int from) {
        int j = from;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
            j++;
        }
        return s.substring(from, j);
    }

    private static String squeezeSpaces(CharSequence s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' && (out.isEmpty() || out.charAt(out.length() - 1) == ' ')) {
                continue;
            }
            out.append(c);
        }
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == ' ') {
            end--;
        }
        return out.substring(0, end);
    }
}
