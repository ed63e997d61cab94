package dev.pier.workers.runtime.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A user's SQL text split into its statements, each with its tokens: words (lowercased) and
 * quoted names, and punctuation. String literals and comments are skipped, so a semicolon or a
 * reserved name inside them counts for nothing; the semicolons between a trigger's
 * {@code BEGIN} and {@code END} stay inside its statement.
 */
final class SqlScript {

    enum Kind { WORD, QUOTED_NAME, PUNCTUATION }

    record Token(Kind kind, String text) {
        boolean isWord(String word) {
            return kind == Kind.WORD && text.equals(word);
        }
    }

    record Statement(String sql, List<Token> tokens) {
        String firstWord() {
            return tokens.get(0).kind() == Kind.WORD ? tokens.get(0).text() : "";
        }
    }

    private SqlScript() {
    }

    static List<Statement> split(String sql) {
        List<Statement> statements = new ArrayList<>();
        List<Token> tokens = new ArrayList<>();
        int statementStart = -1;
        int depth = 0;
        boolean trigger = false;
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            int next;
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            } else if (sql.startsWith("--", i)) {
                next = indexOrEnd(sql, "\n", i + 2);
                i = next;
                continue;
            } else if (sql.startsWith("/*", i)) {
                next = indexOrEnd(sql, "*/", i + 2) + 2;
                i = Math.min(next, sql.length());
                continue;
            }
            if (statementStart < 0) {
                statementStart = i;
            }
            if (c == ';' && depth == 0) {
                if (!tokens.isEmpty()) {
                    statements.add(new Statement(sql.substring(statementStart, i).strip(), List.copyOf(tokens)));
                }
                tokens.clear();
                statementStart = -1;
                trigger = false;
                i++;
                continue;
            }
            if (c == '\'') {
                next = quotedEnd(sql, i, '\'');
            } else if (c == '"' || c == '`' || c == '[') {
                char close = c == '[' ? ']' : c;
                next = quotedEnd(sql, i, close);
                tokens.add(new Token(Kind.QUOTED_NAME, sql.substring(i + 1, next - 1).replace("" + close + close, "" + close).toLowerCase(Locale.ROOT)));
            } else if (isWordChar(c)) {
                next = i;
                while (next < sql.length() && isWordChar(sql.charAt(next))) {
                    next++;
                }
                String word = sql.substring(i, next).toLowerCase(Locale.ROOT);
                tokens.add(new Token(Kind.WORD, word));
                if (tokens.size() > 1 && tokens.get(0).isWord("create") && word.equals("trigger")) {
                    trigger = true;
                } else if (trigger && (word.equals("begin") || word.equals("case"))) {
                    depth++;
                } else if (trigger && word.equals("end") && depth > 0) {
                    depth--;
                }
            } else {
                next = i + 1;
                tokens.add(new Token(Kind.PUNCTUATION, String.valueOf(c)));
            }
            i = next;
        }
        if (!tokens.isEmpty()) {
            statements.add(new Statement(sql.substring(statementStart).strip(), List.copyOf(tokens)));
        }
        return statements;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c >= 0x80;
    }

    private static int indexOrEnd(String sql, String what, int from) {
        int at = sql.indexOf(what, from);
        return at < 0 ? sql.length() : at;
    }

    /** The index after the closing quote; a doubled quote is part of the text. */
    private static int quotedEnd(String sql, int open, char close) {
        int i = open + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == close) {
                if (close != ']' && i + 1 < sql.length() && sql.charAt(i + 1) == close) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        throw new StorageException("sql: a quote " + sql.charAt(open) + " at " + open + " is never closed (expected: a complete statement)");
    }
}
