package dev.pier.rules;

import java.util.Objects;

/** The type of a field, a literal or a function's value. */
public final class Type {

    /** The kinds of values. {@code BYTES} are text; arrays and maps hold one element type. */
    public enum Kind { BYTES, INT, BOOL, IP, ARRAY, MAP }

    public static final Type BYTES = new Type(Kind.BYTES, null);
    public static final Type INT = new Type(Kind.INT, null);
    public static final Type BOOL = new Type(Kind.BOOL, null);
    public static final Type IP = new Type(Kind.IP, null);

    private final Kind kind;
    private final Type element;

    private Type(Kind kind, Type element) {
        this.kind = kind;
        this.element = element;
    }

    public static Type arrayOf(Type element) {
        return new Type(Kind.ARRAY, element);
    }

    public static Type mapOf(Type element) {
        return new Type(Kind.MAP, element);
    }

    public Kind kind() {
        return kind;
    }

    /** The element type of an array or map. */
    public Type element() {
        return element;
    }

    public boolean isContainer() {
        return kind == Kind.ARRAY || kind == Kind.MAP;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Type t && t.kind == kind && Objects.equals(t.element, element);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Objects.hashCode(element);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ARRAY -> "Array<" + element + ">";
            case MAP -> "Map<" + element + ">";
            default -> kind.name().charAt(0) + kind.name().substring(1).toLowerCase();
        };
    }
}
