package dev.pier.rules;

import java.util.ArrayList;
import java.util.List;

/** Splits an expression into tokens, each with the column it starts at. */
final class Lexer {

    enum Kind { IDENT, STRING, INT, IP, LIST, OP, LPAREN, RPAREN, LBRACE, RBRACE, LBRACKET, RBRACKET, COMMA, STAR, RANGE, END }

    record Token(Kind kind, String text, int column) {
        boolean is(Kind k, String t) {
            return kind == k && text.equals(t);
        }

        @Override
        public String toString() {
            return kind == Kind.END ? "the end of the expression" : "'" + text + "'";
        }
    }

    private final String source;
    private int pos;

    private Lexer(String source) {
        this.source = source;
    }

    static List<Token> tokens(String source) {
        Lexer lexer = new Lexer(source);
        List<Token> tokens = new ArrayList<>();
        Token token;
        do {
            token = lexer.next();
            tokens.add(token);
        } while (token.kind() != Kind.END);
        return tokens;
    }

    private RuleException error(int at, String problem) {
        return new RuleException(source, at + 1, problem);
    }

    private Token next() {
        while (pos < source.length() && Character.isWhitespace(source.charAt(pos))) {
            pos++;
        }
        int start = pos;
        if (pos >= source.length()) {
            return new Token(Kind.END, "", start + 1);
        }
        char c = source.charAt(pos);
        if (c == '"') {
            return new Token(Kind.STRING, quoted(), start + 1);
        }
        if (c == 'r' && pos + 1 < source.length() && (source.charAt(pos + 1) == '"' || source.charAt(pos + 1) == '#')) {
            return new Token(Kind.STRING, raw(), start + 1);
        }
        if (c == '$') {
            pos++;
            String name = word();
            if (name.isEmpty()) {
                throw error(start, "expected a list name after '$'");
            }
            return new Token(Kind.LIST, name, start + 1);
        }
        if (Character.isDigit(c) || (c == ':' && peek(1) == ':') || (c == '-' && Character.isDigit(peek(1)))) {
            return number(start);
        }
        if (Character.isLetter(c) || c == '_') {
            String word = word();
            if (pos < source.length() && source.charAt(pos) == ':' && word.matches("[0-9a-fA-F]{1,4}")) {
                pos = start;
                return address(start);
            }
            return new Token(Kind.IDENT, word, start + 1);
        }
        pos++;
        switch (c) {
            case '(': return new Token(Kind.LPAREN, "(", start + 1);
            case ')': return new Token(Kind.RPAREN, ")", start + 1);
            case '{': return new Token(Kind.LBRACE, "{", start + 1);
            case '}': return new Token(Kind.RBRACE, "}", start + 1);
            case '[': return new Token(Kind.LBRACKET, "[", start + 1);
            case ']': return new Token(Kind.RBRACKET, "]", start + 1);
            case ',': return new Token(Kind.COMMA, ",", start + 1);
            case '*': return new Token(Kind.STAR, "*", start + 1);
            case '~': return new Token(Kind.OP, "~", start + 1);
            case '.':
                if (peek(0) == '.') {
                    pos++;
                    return new Token(Kind.RANGE, "..", start + 1);
                }
                break;
            case '=': case '!': case '<': case '>':
                if (peek(0) == '=') {
                    pos++;
                    return new Token(Kind.OP, c + "=", start + 1);
                }
                if (c == '!' || c == '<' || c == '>') {
                    return new Token(Kind.OP, String.valueOf(c), start + 1);
                }
                break;
            case '&': case '|': case '^':
                if (peek(0) == c) {
                    pos++;
                    return new Token(Kind.OP, "" + c + c, start + 1);
                }
                break;
            default:
                break;
        }
        throw error(start, "unexpected character '" + c + "'");
    }

    private char peek(int ahead) {
        int at = pos + ahead;
        return at < source.length() ? source.charAt(at) : '\0';
    }

    private String word() {
        int start = pos;
        while (pos < source.length() && (Character.isLetterOrDigit(source.charAt(pos)) || source.charAt(pos) == '_'
                || source.charAt(pos) == '.' && pos + 1 < source.length() && Character.isLetterOrDigit(source.charAt(pos + 1)))) {
            pos++;
        }
        return source.substring(start, pos);
    }

    /** Integers, IPv4 and IPv6 addresses and CIDR ranges. */
    private Token number(int start) {
        if (source.charAt(pos) == '-') {
            pos++;
        }
        int digitsEnd = pos;
        while (digitsEnd < source.length() && Character.isDigit(source.charAt(digitsEnd))) {
            digitsEnd++;
        }
        char after = digitsEnd < source.length() ? source.charAt(digitsEnd) : '\0';
        boolean dotted = after == '.' && digitsEnd + 1 < source.length() && Character.isDigit(source.charAt(digitsEnd + 1));
        if (dotted || after == ':' || Character.isLetter(after) && source.startsWith(":", skipHex(pos))) {
            pos = start;
            return address(start);
        }
        pos = digitsEnd;
        return new Token(Kind.INT, source.substring(start, pos), start + 1);
    }

    private int skipHex(int from) {
        int at = from;
        while (at < source.length() && Character.digit(source.charAt(at), 16) >= 0) {
            at++;
        }
        return at;
    }

    private Token address(int start) {
        while (pos < source.length() && (Character.digit(source.charAt(pos), 16) >= 0 || ".:/".indexOf(source.charAt(pos)) >= 0)) {
            pos++;
        }
        return new Token(Kind.IP, source.substring(start, pos), start + 1);
    }

    private String quoted() {
        int start = pos++;
        StringBuilder out = new StringBuilder();
        while (pos < source.length()) {
            char c = source.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\') {
                if (pos >= source.length()) {
                    break;
                }
                char e = source.charAt(pos++);
                switch (e) {
                    case '"', '\\' -> out.append(e);
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'x' -> {
                        if (pos + 2 > source.length()) {
                            throw error(pos - 2, "expected two hex digits after \\x");
                        }
                        try {
                            out.append((char) Integer.parseInt(source.substring(pos, pos + 2), 16));
                        } catch (NumberFormatException ex) {
                            throw error(pos - 2, "expected two hex digits after \\x");
                        }
                        pos += 2;
                    }
                    default -> throw error(pos - 2, "unknown escape \\" + e + " (expected: \\\", \\\\, \\n, \\r, \\t or \\xHH)");
                }
            } else {
                out.append(c);
            }
        }
        throw error(start, "this string is not closed (expected: a closing \")");
    }

    /** r"..." and r#"..."# (as many # as needed): no escapes inside. */
    private String raw() {
        int start = pos;
        pos++; // r
        int hashes = 0;
        while (peek(0) == '#') {
            hashes++;
            pos++;
        }
        if (peek(0) != '"') {
            throw error(start, "expected '\"' to open the raw string");
        }
        pos++;
        String close = "\"" + "#".repeat(hashes);
        int end = source.indexOf(close, pos);
        if (end < 0) {
            throw error(start, "this raw string is not closed (expected: " + close + ")");
        }
        String text = source.substring(pos, end);
        pos = end + close.length();
        return text;
    }
}
