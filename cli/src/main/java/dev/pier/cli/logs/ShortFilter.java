package dev.pier.cli.logs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The short filter form of {@code pier logs tail --filter}, turned into Cloudflare's JSON filter:
 * conditions {@code KEY OPERATOR VALUE} joined by {@code and} or by {@code or} (not both), e.g.
 * {@code EdgeResponseStatus eq 403 and ClientRequestPath startsWith /api}. A value is a word or
 * a double-quoted string; a whole number is sent as a number; {@code in} takes a comma-separated
 * list ({@code EdgeResponseStatus in 200,201}). Text that begins with <code>{</code> is taken as
 * the JSON filter itself.
 */
public final class ShortFilter {

    private static final Set<String> OPERATORS = Set.of("eq", "!eq", "lt", "leq", "gt", "geq", "startsWith", "!startsWith",
            "endsWith", "!endsWith", "contains", "!contains", "in", "!in");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ShortFilter() {
    }

    /**
     * @return the JSON filter, as the API's {@code filter} string
     * @throws IllegalArgumentException naming what is wrong and what was expected
     */
    public static String toJson(String expression) {
        String e = expression.strip();
        if (e.startsWith("{")) {
            return e;
        }
        List<String> words = words(e);
        List<ObjectNode> conditions = new ArrayList<>();
        String joiner = null;
        int i = 0;
        while (true) {
            if (i + 3 > words.size()) {
                throw new IllegalArgumentException("--filter: " + expression + " (expected: KEY OPERATOR VALUE, joined by 'and' or 'or', "
                        + "e.g. EdgeResponseStatus eq 403 and ClientRequestPath startsWith /api)");
            }
            String key = words.get(i);
            String operator = words.get(i + 1);
            String value = words.get(i + 2);
            if (!OPERATORS.contains(operator)) {
                throw new IllegalArgumentException("--filter: operator: " + operator + " (expected: one of eq, !eq, lt, leq, gt, geq, "
                        + "startsWith, !startsWith, endsWith, !endsWith, contains, !contains, in, !in)");
            }
            ObjectNode c = F.objectNode().put("key", key).put("operator", operator);
            if (operator.endsWith("in")) {
                ArrayNode list = c.putArray("value");
                for (String v : value.split(",")) {
                    list.add(scalar(v.strip()));
                }
            } else {
                c.set("value", scalar(value));
            }
            conditions.add(c);
            i += 3;
            if (i == words.size()) {
                break;
            }
            String j = words.get(i);
            if (!j.equals("and") && !j.equals("or") || joiner != null && !joiner.equals(j)) {
                throw new IllegalArgumentException("--filter: " + j + " (expected: " + (joiner == null ? "'and' or 'or'" : "'" + joiner
                        + "' again: to mix 'and' and 'or', give the JSON filter") + ")");
            }
            joiner = j;
            i++;
        }
        ObjectNode where = F.objectNode();
        where.putArray(joiner == null ? "and" : joiner).addAll(conditions);
        return F.objectNode().set("where", where).toString();
    }

    private static com.fasterxml.jackson.databind.JsonNode scalar(String v) {
        if (v.matches("-?\\d{1,18}")) {
            return F.numberNode(Long.parseLong(v));
        }
        return F.textNode(v);
    }

    /** Words separated by spaces; a double-quoted word may hold spaces (and \" for a quote). */
    private static List<String> words(String e) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < e.length()) {
            char c = e.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                StringBuilder w = new StringBuilder();
                i++;
                while (i < e.length() && e.charAt(i) != '"') {
                    if (e.charAt(i) == '\\' && i + 1 < e.length()) {
                        i++;
                    }
                    w.append(e.charAt(i++));
                }
                if (i >= e.length()) {
                    throw new IllegalArgumentException("--filter: " + e + " (expected: a closing \" )");
                }
                i++;
                words.add(w.toString());
            } else {
                int start = i;
                while (i < e.length() && !Character.isWhitespace(e.charAt(i))) {
                    i++;
                }
                words.add(e.substring(start, i));
            }
        }
        return words;
    }
}
