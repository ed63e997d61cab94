package dev.pier.logpush;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.analytics.RequestLog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Cloudflare's Logpush filter: a JSON string {@code {"where": X}} where X is a condition
 * {@code {"key": field, "operator": op, "value": v}} or {@code {"and": [X, ...]}} /
 * {@code {"or": [X, ...]}}, nested as needed. Operators: {@code eq !eq} (string, int, bool),
 * {@code lt leq gt geq} (int), {@code startsWith endsWith !startsWith !endsWith} (string),
 * {@code contains !contains} (string, array), {@code in !in} (string, int; the value an array).
 * Parsed once against a dataset's fields, so a wrong key, operator or value is refused with
 * where it is and what was expected; then evaluated per record without parsing.
 *
 * <p>A record without the field (a null value) matches no positive condition and every negated one.
 */
public final class LogFilter {

    /** Cloudflare's limits on a filter: about 30 operators and 1000 bytes. */
    public static final int MAX_BYTES = 1000;
    public static final int MAX_OPERATORS = 30;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIELD = "filter";
    private static final List<String> OPERATORS = List.of("eq", "!eq", "lt", "leq", "gt", "geq", "startsWith", "endsWith",
            "!startsWith", "!endsWith", "contains", "!contains", "in", "!in");

    /** The filter that keeps every record. */
    public static final LogFilter ALL = new LogFilter(null, log -> true);

    private final String source;
    private final Predicate<RequestLog> predicate;

    private LogFilter(String source, Predicate<RequestLog> predicate) {
        this.source = source;
        this.predicate = predicate;
    }

    /**
     * Parses a filter for a dataset's records; null or blank is {@link #ALL}.
     *
     * @throws LogpushException naming {@code filter}, the place in it ({@code where.and[1].operator}) and what was expected
     */
    public static LogFilter parse(String source, Dataset dataset) {
        if (source == null || source.isBlank()) {
            return ALL;
        }
        int bytes = source.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new LogpushException(FIELD, bytes + " bytes (expected: at most " + MAX_BYTES + ")");
        }
        JsonNode root;
        try {
            root = JSON.readTree(source);
        } catch (JsonProcessingException e) {
            throw new LogpushException(FIELD, "not JSON: " + e.getOriginalMessage() + " at column " + e.getLocation().getColumnNr()
                    + " (expected: a JSON object {\"where\": ...})");
        }
        if (root == null || !root.isObject() || !root.has("where") || root.size() != 1) {
            throw new LogpushException(FIELD, source + " (expected: a JSON object with one key, \"where\")");
        }
        Parser parser = new Parser(dataset);
        return new LogFilter(source, parser.node(root.get("where"), "where"));
    }

    /** Whether the record passes (is pushed). */
    public boolean matches(RequestLog log) {
        return predicate.test(log);
    }

    /** The filter as it was given, or null for {@link #ALL}. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return source == null ? "(all records)" : source;
    }

    private static final class Parser {
        private final Dataset dataset;
        private int operators;

        Parser(Dataset dataset) {
            this.dataset = dataset;
        }

        Predicate<RequestLog> node(JsonNode node, String at) {
            if (++operators > MAX_OPERATORS) {
                throw new LogpushException(FIELD, at + ": more than " + MAX_OPERATORS + " operators (expected: at most " + MAX_OPERATORS + ")");
            }
            if (node == null || !node.isObject()) {
                throw error(at, node + " (expected: an object: {\"and\": [...]}, {\"or\": [...]} or {\"key\", \"operator\", \"value\"})");
            }
            if (node.has("and") || node.has("or")) {
                String kind = node.has("and") ? "and" : "or";
                if (node.size() != 1) {
                    throw error(at, node + " (expected: \"" + kind + "\" alone in its object)");
                }
                JsonNode items = node.get(kind);
                if (!items.isArray() || items.isEmpty()) {
                    throw error(at + "." + kind, items + " (expected: a non-empty array of conditions)");
                }
                List<Predicate<RequestLog>> parts = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) {
                    parts.add(node(items.get(i), at + "." + kind + "[" + i + "]"));
                }
                @SuppressWarnings("unchecked")
                Predicate<RequestLog>[] array = parts.toArray(new Predicate[0]);
                return kind.equals("and") ? log -> all(array, log) : log -> any(array, log);
            }
            return condition(node, at);
        }

        private Predicate<RequestLog> condition(JsonNode node, String at) {
            for (var names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("key") && !name.equals("operator") && !name.equals("value")) {
                    throw error(at + "." + name, "unknown key (expected: key, operator and value, or and/or)");
                }
            }
            JsonNode keyNode = node.get("key");
            if (keyNode == null || !keyNode.isTextual()) {
                throw error(at + ".key", keyNode + " (expected: a field name of " + dataset.id() + ")");
            }
            String key = keyNode.asText();
            LogField field = dataset.field(key).orElseThrow(() -> error(at + ".key",
                    key + " (expected: a field of " + dataset.id() + ": " + String.join(", ", dataset.descriptions().keySet()) + ")"));
            JsonNode operatorNode = node.get("operator");
            String operator = operatorNode == null || !operatorNode.isTextual() ? String.valueOf(operatorNode) : operatorNode.asText();
            if (!OPERATORS.contains(operator)) {
                throw error(at + ".operator", operator + " (expected: one of " + String.join(", ", OPERATORS) + ")");
            }
            JsonNode value = node.get("value");
            if (value == null || value.isNull()) {
                throw error(at + ".value", "missing (expected: a value to compare " + key + " with)");
            }
            boolean negated = operator.startsWith("!");
            String positive = negated ? operator.substring(1) : operator;
            Predicate<Object> test = test(field, positive, value, at);
            return negated ? log -> !nonNull(test, field.value(log)) : log -> nonNull(test, field.value(log));
        }

        private Predicate<Object> test(LogField field, String operator, JsonNode value, String at) {
            String name = field.name();
            FieldType type = field.type();
            String where = at + ".operator";
            switch (type) {
                case STRING -> {
                    return switch (operator) {
                        case "eq" -> { String v = text(value, at, name); yield o -> o.equals(v); }
                        case "startsWith" -> { String v = text(value, at, name); yield o -> ((String) o).startsWith(v); }
                        case "endsWith" -> { String v = text(value, at, name); yield o -> ((String) o).endsWith(v); }
                        case "contains" -> { String v = text(value, at, name); yield o -> ((String) o).contains(v); }
                        case "in" -> {
                            Set<String> set = new HashSet<>();
                            for (JsonNode item : array(value, at, name)) {
                                set.add(text(item, at, name));
                            }
                            yield set::contains;
                        }
                        default -> throw error(where, operator + " is not for string field " + name
                                + " (expected: eq, !eq, startsWith, endsWith, !startsWith, !endsWith, contains, !contains, in or !in)");
                    };
                }
                case INT -> {
                    return switch (operator) {
                        case "eq" -> { long v = integer(value, at, name); yield o -> ((Number) o).longValue() == v; }
                        case "lt" -> { long v = integer(value, at, name); yield o -> ((Number) o).longValue() < v; }
                        case "leq" -> { long v = integer(value, at, name); yield o -> ((Number) o).longValue() <= v; }
                        case "gt" -> { long v = integer(value, at, name); yield o -> ((Number) o).longValue() > v; }
                        case "geq" -> { long v = integer(value, at, name); yield o -> ((Number) o).longValue() >= v; }
                        case "in" -> {
                            Set<Long> set = new HashSet<>();
                            for (JsonNode item : array(value, at, name)) {
                                set.add(integer(item, at, name));
                            }
                            yield o -> set.contains(((Number) o).longValue());
                        }
                        default -> throw error(where, operator + " is not for int field " + name
                                + " (expected: eq, !eq, lt, leq, gt, geq, in or !in)");
                    };
                }
                case BOOL -> {
                    if (!operator.equals("eq")) {
                        throw error(where, operator + " is not for bool field " + name + " (expected: eq or !eq)");
                    }
                    boolean v = bool(value, at, name);
                    return o -> (Boolean) o == v;
                }
                case STRING_ARRAY -> {
                    if (!operator.equals("contains")) {
                        throw error(where, operator + " is not for array field " + name + " (expected: contains or !contains)");
                    }
                    String v = text(value, at, name);
                    return o -> ((List<?>) o).contains(v);
                }
                case TIMESTAMP -> throw error(at + ".key", name
                        + " is a timestamp (expected: a string, int, bool or array field; timestamps are not filtered on)");
                default -> throw new IllegalStateException(type.name());
            }
        }

        private static boolean nonNull(Predicate<Object> test, Object value) {
            return value != null && test.test(value);
        }

        private static Iterable<JsonNode> array(JsonNode value, String at, String name) {
            if (!value.isArray() || value.isEmpty()) {
                throw error(at + ".value", value + " (expected: a non-empty array of values for " + name + ")");
            }
            return value;
        }

        private static String text(JsonNode value, String at, String name) {
            if (!value.isValueNode()) {
                throw error(at + ".value", value + " (expected: a string for " + name + ")");
            }
            return value.asText();
        }

        private static long integer(JsonNode value, String at, String name) {
            if (value.isIntegralNumber()) {
                return value.asLong();
            }
            if (value.isTextual()) {
                try {
                    return Long.parseLong(value.asText().trim());
                } catch (NumberFormatException e) {
                    // falls through to the error below
                }
            }
            throw error(at + ".value", value + " (expected: an integer for int field " + name + ")");
        }

        private static boolean bool(JsonNode value, String at, String name) {
            if (value.isBoolean()) {
                return value.asBoolean();
            }
            if (value.isTextual() && (value.asText().equals("true") || value.asText().equals("false"))) {
                return Boolean.parseBoolean(value.asText());
            }
            throw error(at + ".value", value + " (expected: true or false for bool field " + name + ")");
        }

        private static LogpushException error(String at, String message) {
            return new LogpushException(FIELD, at + ": " + message);
        }
    }

    private static boolean all(Predicate<RequestLog>[] parts, RequestLog log) {
        for (Predicate<RequestLog> part : parts) {
            if (!part.test(log)) {
                return false;
            }
        }
        return true;
    }

    private static boolean any(Predicate<RequestLog>[] parts, RequestLog log) {
        for (Predicate<RequestLog> part : parts) {
            if (part.test(log)) {
                return true;
            }
        }
        return false;
    }
}
