package dev.pier.control.livelogs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLogFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Cloudflare's Logpush JSON filter ({@code {"where":{"and":[{"key":..,"operator":..,"value":..}]}}})
 * compiled to a predicate over a request record: the smallest evaluator live logs need until
 * the logpush module's filter is shared. Keys are the record's fields, plus
 * {@code ClientRequestPath} (the URI without its query); operators {@code eq !eq lt leq gt geq
 * startsWith !startsWith endsWith !endsWith contains !contains in !in}.
 */
final class LiveLogFilter {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, Function<RequestLog, Object>> KEYS = keys();
    private static final int MAX_DEPTH = 8;

    private LiveLogFilter() {
    }

    /** The filter's predicate; an empty filter passes everything. */
    static Predicate<RequestLog> compile(String filter) {
        if (filter.isEmpty()) {
            return log -> true;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(filter);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("filter: " + filter + " (expected: JSON such as "
                    + "{\"where\":{\"and\":[{\"key\":\"EdgeResponseStatus\",\"operator\":\"eq\",\"value\":403}]}})");
        }
        if (root == null || !root.isObject() || !root.has("where")) {
            throw new IllegalArgumentException("filter: " + filter + " (expected: an object with \"where\")");
        }
        return node(root.get("where"), 0);
    }

    private static Predicate<RequestLog> node(JsonNode n, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("filter: nested deeper than " + MAX_DEPTH + " (expected: at most " + MAX_DEPTH + " levels)");
        }
        if (n != null && n.isObject() && (n.has("and") || n.has("or"))) {
            boolean and = n.has("and");
            JsonNode list = n.get(and ? "and" : "or");
            if (!list.isArray() || list.isEmpty()) {
                throw new IllegalArgumentException("filter: " + (and ? "and" : "or") + ": " + list + " (expected: a non-empty array of conditions)");
            }
            List<Predicate<RequestLog>> parts = new ArrayList<>();
            list.forEach(p -> parts.add(node(p, depth + 1)));
            return and ? log -> parts.stream().allMatch(p -> p.test(log)) : log -> parts.stream().anyMatch(p -> p.test(log));
        }
        if (n == null || !n.isObject() || !n.has("key") || !n.has("operator")) {
            throw new IllegalArgumentException("filter: " + n + " (expected: {\"key\":..,\"operator\":..,\"value\":..}, or \"and\"/\"or\" with a list)");
        }
        String key = n.get("key").asText();
        Function<RequestLog, Object> read = KEYS.get(key);
        if (read == null) {
            throw new IllegalArgumentException("filter: key: " + key + " (expected: a field of the http_requests dataset)");
        }
        return condition(key, read, n.get("operator").asText(), n.get("value"));
    }

    private static Predicate<RequestLog> condition(String key, Function<RequestLog, Object> read, String operator, JsonNode value) {
        boolean negated = operator.startsWith("!");
        String op = negated ? operator.substring(1) : operator;
        Predicate<Object> test = switch (op) {
            case "eq" -> v -> v != null && text(v).equals(value.asText());
            case "lt", "leq", "gt", "geq" -> {
                double limit = number(key, operator, value);
                yield v -> v instanceof Number x && switch (op) {
                    case "lt" -> x.doubleValue() < limit;
                    case "leq" -> x.doubleValue() <= limit;
                    case "gt" -> x.doubleValue() > limit;
                    default -> x.doubleValue() >= limit;
                };
            }
            case "startsWith" -> v -> v != null && text(v).startsWith(value.asText());
            case "endsWith" -> v -> v != null && text(v).endsWith(value.asText());
            case "contains" -> v -> v instanceof List<?> l ? l.stream().anyMatch(i -> String.valueOf(i).equals(value.asText()))
                    : v != null && text(v).contains(value.asText());
            case "in" -> {
                List<String> options = new ArrayList<>();
                if (value != null && value.isArray()) {
                    value.forEach(o -> options.add(o.asText()));
                } else if (value != null) {
                    for (String o : value.asText().split(",")) {
                        options.add(o.strip());
                    }
                }
                yield v -> v != null && options.contains(text(v));
            }
            default -> throw new IllegalArgumentException("filter: operator: " + operator + " (expected: eq, !eq, lt, leq, gt, geq, "
                    + "startsWith, !startsWith, endsWith, !endsWith, contains, !contains, in, !in)");
        };
        if (negated && (op.equals("lt") || op.equals("leq") || op.equals("gt") || op.equals("geq"))) {
            throw new IllegalArgumentException("filter: operator: " + operator + " (expected: lt, leq, gt or geq, without !)");
        }
        return negated ? log -> !test.test(read.apply(log)) : log -> test.test(read.apply(log));
    }

    private static String text(Object v) {
        return v instanceof Number || v instanceof Boolean ? v.toString() : String.valueOf(v);
    }

    private static double number(String key, String operator, JsonNode value) {
        if (value != null && value.isNumber()) {
            return value.asDouble();
        }
        try {
            return Double.parseDouble(value == null ? "" : value.asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("filter: " + key + " " + operator + " " + value + " (expected: a number)");
        }
    }

    private static Map<String, Function<RequestLog, Object>> keys() {
        Map<String, Function<RequestLog, Object>> keys = RequestLogFields.ALL.stream()
                .collect(Collectors.toMap(RequestLogFields.Field::name, RequestLogFields.Field::value));
        keys.put("ClientRequestPath", log -> log.clientRequestUri() == null ? null : log.clientRequestUri().split("\\?", 2)[0]);
        return Map.copyOf(keys);
    }
}
