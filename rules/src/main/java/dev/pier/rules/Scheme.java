package dev.pier.rules;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The typed fields an expression may use, each with the slot it has in a {@link Context}.
 * Built once and shared; expressions parsed against it are checked against its types.
 */
public final class Scheme {

    /** A field: its name, type and slot. */
    public record Field(String name, Type type, int index) {
    }

    private final Map<String, Field> fields;
    private final Map<String, Functions.Function> functions;

    private Scheme(Map<String, Field> fields, Map<String, Functions.Function> functions) {
        this.fields = Map.copyOf(fields);
        this.functions = Map.copyOf(functions);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The field of that name, or null. */
    public Field field(String name) {
        return fields.get(name);
    }

    public int size() {
        return fields.size();
    }

    /** A function this scheme adds to the language's own, or the language's own, or null. */
    Functions.Function function(String name) {
        Functions.Function own = functions.get(name);
        return own != null ? own : Functions.get(name);
    }

    /** Fields in the order they were added. */
    public static final class Builder {
        private final Map<String, Field> fields = new LinkedHashMap<>();
        private final Map<String, Functions.Function> functions = new HashMap<>();

        public Builder field(String name, Type type) {
            if (fields.containsKey(name)) {
                throw new IllegalArgumentException("field: " + name + " (expected: a name not defined yet)");
            }
            fields.put(name, new Field(name, type, fields.size()));
            return this;
        }

        /**
         * Adds a function that only expressions of this scheme may call (the managed rules'
         * detection functions, for instance). Its arguments are checked at parse time like a
         * built-in's; given the elements of an array ({@code [*]}) it applies to each.
         *
         * @param parameters the type of each argument, all required
         * @param body       computes the result from non-null argument values
         */
        public Builder function(String name, Type result, List<Type> parameters,
                                java.util.function.Function<Object[], Object> body) {
            if (functions.containsKey(name) || Functions.get(name) != null) {
                throw new IllegalArgumentException("function: " + name + " (expected: a name not defined yet)");
            }
            Type.Kind[][] kinds = parameters.stream().map(t -> new Type.Kind[] {t.kind()}).toArray(Type.Kind[][]::new);
            functions.put(name, new Functions.Function(name, Functions.args(result, kinds.length, kinds), body::apply));
            return this;
        }

        public Scheme build() {
            return new Scheme(fields, functions);
        }
    }
}
