package dev.pier.waf.managed;

import java.util.Set;

/**
 * The detection functions managed rules call ({@code waf_sqli}, {@code waf_xss}). Patterns
 * alone catch keywords; these look at structure, the way libinjection does: a SQL
 * injection is a value that, read as the tail of a quoted string or a number in a query,
 * closes it and goes on in SQL; cross-site scripting is markup or script that a browser would run.
 * Both take a normalised input (lower case, decoded, whitespace squeezed).
 */
public final class Detectors {

    private static final Set<String> LOGIC = Set.of("and", "or", "xor", "not", "&&", "||", "div", "mod");
    private static final Set<String> OPERATORS = Set.of("=", "<", ">", "!", "like", "rlike", "regexp", "between", "is",
            "in", "sounds");
    private static final Set<String> STATEMENTS = Set.of("insert", "update", "delete", "drop", "exec", "execute",
            "declare", "shutdown", "alter", "create", "truncate", "waitfor", "grant", "revoke", "call", "load", "replace",
            "merge", "backup", "dbcc", "set");
    private static final Set<String> CLAUSES = Set.of("order", "group", "having", "limit", "procedure", "into", "offset");
    private static final Set<String> FUNCTIONS = Set.of("sleep", "benchmark", "pg_sleep", "load_file", "extractvalue",
            "updatexml", "char", "chr", "concat", "concat_ws", "group_concat", "version", "database", "user", "current_user",
            "system_user", "ascii", "ord", "hex", "unhex", "substring", "substr", "mid", "if", "ifnull", "iif", "count",
            "length", "cast", "convert", "dbms_pipe", "utl_inaddr", "xp_cmdshell", "randomblob", "md5", "sha1",
            "make_set", "elt", "name_const", "exp", "floor", "rand", "instr", "case", "waitfor", "delay", "schema",
            "session_user", "@@version", "json_keys", "polygon", "geometrycollection", "multipoint", "row", "sysdate",
            "lpad", "rpad", "nvl", "coalesce", "dbms_lock", "ctxsys", "to_char", "load_extension", "sqlite_version");

    private Detectors() {
    }

    /** Whether a value reads as SQL injection: in no quotes, after a single quote or after a double quote. */
    public static boolean sqli(String s) {
        if (s.isEmpty() || s.length() > 4096) {
            return false;
        }
        return injects(fingerprint(s, (char) 0), false) || s.indexOf('\'') >= 0 && injects(fingerprint(s, '\''), true)
                || s.indexOf('"') >= 0 && injects(fingerprint(s, '"'), true);
    }

    /**
     * Token kinds: s string, n number, & logic, o operator, U union, E select, T statement,
     * K clause, F from, f dangerous function call, v variable, c comment, ; ( ) , as themselves,
     * w any other word.
     */
    static String fingerprint(String s, char openQuote) {
        StringBuilder fp = new StringBuilder(16);
        int i = 0;
        int n = s.length();
        if (openQuote != 0) {
            int end = s.indexOf(openQuote);
            fp.append('s');
            i = end + 1;
        }
        while (i < n && fp.length() < 24) {
            char c = s.charAt(i);
            if (c <= ' ' || c == '+') {
                i++;
            } else if (c == '\'' || c == '"' || c == '`') {
                int end = s.indexOf(c, i + 1);
                fp.append('s');
                i = end < 0 ? n : end + 1;
            } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-' || c == '#') {
                fp.append('c');
                break;
            } else if ((c == '-' || c == '~') && i + 1 < n && Character.isDigit(s.charAt(i + 1))
                    && (fp.isEmpty() || "&o(,;UEFKT".indexOf(fp.charAt(fp.length() - 1)) >= 0)) {
                i++; // a sign after an operator or keyword: "or-1=-1" compares numbers as "or 1=1" does
            } else if (Character.isDigit(c) || c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1))) {
                int end = numberEnd(s, i);
                if (!(end < n && Character.isLetter(s.charAt(end)) && keyword(word(s, end)))) {
                    while (end < n && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '.')) {
                        end++; // an id such as 2d37de81: one token
                    }
                }
                i = end;
                fp.append('n');
            } else if (c == '@' && i + 2 < n && s.charAt(i + 1) == '@' && Character.isLetter(s.charAt(i + 2))) {
                int j = i + 2;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                fp.append('v'); // a system variable such as @@version; a lone @ is part of a word (user@host)
                i = j;
            } else if (Character.isLetter(c) || c == '_' || c == '$') {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == '$'
                        || s.charAt(j) == '.')) {
                    j++;
                }
                String word = s.substring(i, j);
                int k = j;
                while (k < n && s.charAt(k) == ' ') {
                    k++;
                }
                boolean call = k < n && s.charAt(k) == '(';
                fp.append(kind(word, call));
                i = j;
            } else if (c == '&' && i + 1 < n && s.charAt(i + 1) == '&' || c == '|' && i + 1 < n && s.charAt(i + 1) == '|') {
                fp.append('&');
                i += 2;
            } else if (c == '=' || c == '<' || c == '>' || c == '!') {
                while (i < n && "=<>!".indexOf(s.charAt(i)) >= 0) {
                    i++;
                }
                fp.append('o');
            } else if (c == ';' || c == '(' || c == ')' || c == ',') {
                fp.append(c);
                i++;
            } else {
                fp.append('x');
                i++;
            }
        }
        return fp.toString();
    }

    /**
     * Where a number that starts at {@code from} ends, read as MySQL's lexer reads it:
     * {@code 0x} and {@code 0b} literals, or digits with a fraction and an exponent. What
     * follows may be a keyword glued to it ({@code 1union}).
     */
    static int numberEnd(String s, int from) {
        int n = s.length();
        int i = from;
        if (s.startsWith("0x", i) || s.startsWith("0b", i)) {
            int j = i + 2;
            while (j < n && Character.digit(s.charAt(j), s.charAt(i + 1) == 'x' ? 16 : 2) >= 0) {
                j++;
            }
            if (j > i + 2) {
                return j;
            }
        }
        while (i < n && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && Character.isDigit(s.charAt(i))) {
                i++;
            }
        }
        if (i + 1 < n && s.charAt(i) == 'e') {
            int j = i + 1 + (s.charAt(i + 1) == '+' || s.charAt(i + 1) == '-' ? 1 : 0);
            if (j < n && Character.isDigit(s.charAt(j))) {
                i = j;
                while (i < n && Character.isDigit(s.charAt(i))) {
                    i++;
                }
            }
        }
        return i;
    }

    /** Whether MySQL reads this word as a keyword that may follow a number with no space ({@code 1union}, {@code 1or}). */
    static boolean keyword(String word) {
        char kind = kind(word, false);
        return kind != 'w' && kind != 'n' || word.equals("where");
    }

    /** The word (letters, digits, _) that starts at {@code from}. */
    private static String word(String s, int from) {
        int j = from;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
            j++;
        }
        return s.substring(from, j);
    }

    private static char kind(String word, boolean call) {
        if (call && FUNCTIONS.contains(word)) {
            return 'f';
        }
        if (LOGIC.contains(word)) {
            return '&';
        }
        if (OPERATORS.contains(word)) {
            return 'o';
        }
        return switch (word) {
            case "union" -> 'U';
            case "select" -> 'E';
            case "from" -> 'F';
            case "null", "true", "false" -> 'n';
            default -> STATEMENTS.contains(word) ? 'T' : CLAUSES.contains(word) ? 'K' : 'w';
        };
    }

    private static final com.google.re2j.Pattern INJECTION = com.google.re2j.Pattern.compile(String.join("|",
            "U\\(*E",                                   // union select
            "[sn)v]\\)*&[(]*[snvf]\\)*o",              // 1 or 1=1 / ') or ('a')=('a
            "^&[(]*[snv]\\)*o[(]*[snv]",                 // or 1=1 (the value starts the injection)
            "[sn)v]\\)*&[(]*[snvwf]\\)*o[(]*[snvw]\\)*c", // 1 or x=x# (ends in a comment)
            "^[sn]\\)*K.*[oc]",                          // 1 order by 3-- / 1 having 1=1
            ";[TEK]",                                   // stacked query
            "[&o(,;]f\\(|^f\\(",                         // and sleep(5) / ); if((...
            "[sn)]\\)*[&;U(][^F]*E.*F",                   // ' and (select x from y)
            "v"));                                      // @@version

    private static boolean injects(String fp, boolean quoted) {
        if (INJECTION.matcher(fp).find()) {
            return true;
        }
        // After a closing quote, SQL straight away: a comment, logic, a clause or a semicolon.
        return quoted && (fp.startsWith("sc") || fp.startsWith("s;") || fp.startsWith("sK") || fp.startsWith("s&")
                || fp.startsWith("sU") || fp.startsWith("so") && fp.length() > 2
                || fp.startsWith("s)") && fp.length() > 2 && "&;cKUo".indexOf(fp.charAt(2)) >= 0);
    }

    private static final com.google.re2j.Pattern MARKUP = com.google.re2j.Pattern.compile(
            "<\\s*/?\\s*(script|iframe|frame|frameset|object|embed|applet|svg|math|img|image|body|html|style|link|meta|base|form|"
                    + "input|button|textarea|select|video|audio|source|details|marquee|isindex|xss|a|div|span|p|table|td|"
                    + "video|animate|set|template|portal|dialog|keygen|plaintext|xmp|noscript|bgsound|layer|ilayer)\\b"
                    + "|<[a-z][a-z0-9:-]*[^>]*\\bon[a-z]{3,}\\s*="
                    + "|(java|vb|live)script\\s*:|data\\s*:\\s*text/html|data\\s*:[^,]*;base64"
                    + "|\\bon(error|load|mouseover|mouseenter|focus|blur|click|toggle|begin|animationstart|pageshow|start|"
                    + "finish|wheel|pointerover|transitionend|input|change|submit|unload|resize|scroll|hashchange|message|"
                    + "popstate|copy|cut|paste|keydown|keyup|keypress|dblclick|contextmenu|drag|drop|auxclick)\\s*="
                    + "|expression\\s*\\(|-moz-binding|@import|<!\\[cdata\\[|<\\?xml|<!entity|srcdoc\\s*="
                    + "|\\b(alert|prompt|confirm|eval|settimeout|setinterval|atob)\\s*(\\(|`)|document\\s*\\.\\s*(cookie|domain|write|location)"
                    + "|\\bwindow\\s*\\[|fromcharcode|\\bself\\s*\\[|top\\s*\\[|constructor\\s*\\(|\\{\\{.*\\}\\}");

    /** Whether a value carries markup or script a browser would run. */
    public static boolean xss(String s) {
        return !s.isEmpty() && MARKUP.matcher(s).find();
    }
}
