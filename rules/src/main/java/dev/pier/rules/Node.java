package dev.pier.rules;

import java.util.List;

/**
 * The typed syntax tree of an expression. Every node knows its type and the column it starts
 * at; {@code each} marks a value taken from every element of an array ({@code [*]}), which
 * only {@code any()} and {@code all()} may turn back into one Bool.
 */
sealed interface Node {

    Type type();

    int column();

    default boolean each() {
        return false;
    }

    record FieldRef(Scheme.Field field, int column) implements Node {
        public Type type() {
            return field.type();
        }
    }

    record Literal(Object value, Type type, int column) implements Node {
    }

    /** {@code base[0]}, {@code base["key"]} or, with {@code key == null}, {@code base[*]}. */
    record Index(Node base, Object key, Type type, boolean each, int column) implements Node {
    }

    record Call(Functions.Function function, List<Node> args, Type type, boolean each, int column) implements Node {
    }

    /** A comparison; {@code right} is a literal, a set of literals, or a list name. */
    record Compare(Node left, String op, Object right, boolean each, int column) implements Node {
        public Type type() {
            return Type.BOOL;
        }
    }

    record Not(Node operand, int column) implements Node {
        public Type type() {
            return Type.BOOL;
        }
    }

    /** {@code and}, {@code or}, {@code xor}. */
    record Logic(String op, Node left, Node right, int column) implements Node {
        public Type type() {
            return Type.BOOL;
        }
    }
}
