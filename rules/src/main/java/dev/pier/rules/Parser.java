package dev.pier.rules;

import dev.pier.rules.Lexer.Kind;
import dev.pier.rules.Lexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses an expression into a typed {@link Node} tree, checking every field, operator,
 * function and literal against the scheme. Precedence, lowest first: {@code or ||},
 * {@code xor ^^}, {@code and &&}, {@code not !}; comparisons bind tighter than all of them.
 */
final class Parser {

    static final int MAX_LENGTH = 4096;
    static final int MAX_DEPTH = 64;

    private static final Map<String, String> OPERATORS = Map.ofEntries(
            Map.entry("eq", "eq"), Map.entry("==", "eq"), Map.entry("ne", "ne"), Map.entry("!=", "ne"),
            Map.entry("lt", "lt"), Map.entry("<", "lt"), Map.entry("le", "le"), Map.entry("<=", "le"),
            Map.entry("gt", "gt"), Map.entry(">", "gt"), Map.entry("ge", "ge"), Map.entry(">=", "ge"),
            Map.entry("contains", "contains"), Map.entry("matches", "matches"), Map.entry("~", "matches"),
            Map.entry("wildcard", "wildcard"), Map.entry("in", "in"));

    private final String source;
    private final Scheme scheme;
    private final List<Token> tokens;
    private int at;
    private int depth;

    private Parser(String source, Scheme scheme) {
        this.source = source;
        this.scheme = scheme;
        this.tokens = Lexer.tokens(source);
    }

    static Node parse(String source, Scheme scheme) {
        Parser parser = new Parser(checkLength(source), scheme);
        Node node = parser.or();
        if (parser.peek().kind() != Kind.END) {
            throw parser.error(parser.peek(), "expected 'and', 'or', 'xor' or the end, but found " + parser.peek());
        }
        if (!node.type().equals(Type.BOOL) || node.each()) {
            throw parser.error(node.column(), "the expression must be a Bool, but it is " + describe(node));
        }
        return node;
    }

    /** A value rather than a condition: a field, an element of one, or a function of them. */
    static Node parseValue(String source, Scheme scheme) {
        Parser parser = new Parser(checkLength(source), scheme);
        Node node = parser.value();
        if (parser.peek().kind() != Kind.END) {
            throw parser.error(parser.peek(), "expected the end of the value, but found " + parser.peek());
        }
        if (node.each()) {
            throw parser.error(node.column(), "expected one value, but it is " + describe(node));
        }
        return node;
    }

    private static String checkLength(String source) {
        if (source.length() > MAX_LENGTH) {
            throw new RuleException(source, MAX_LENGTH + 1, "the expression is longer than " + MAX_LENGTH + " characters");
        }
        return source;
    }

    private static String describe(Node node) {
        return node.each() ? "one " + node.type() + " per element (wrap it in any() or all())" : "a " + node.type();
    }

    private RuleException error(Token token, String problem) {
        return new RuleException(source, token.column(), problem);
    }

    private RuleException error(int column, String problem) {
        return new RuleException(source, column, problem);
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token take() {
        return tokens.get(at++);
    }

    private boolean takeIf(Kind kind, String... texts) {
        Token t = peek();
        if (t.kind() != kind) {
            return false;
        }
        for (String text : texts) {
            if (t.text().equals(text)) {
                at++;
                return true;
            }
        }
        return false;
    }

    private Token expect(Kind kind, String what) {
        Token t = take();
        if (t.kind() != kind) {
            throw error(t, "expected " + what + " but found " + t);
        }
        return t;
    }

    // ------------------------------------------------------------------ logic

    private Node or() {
        Node left = xor();
        while (takeIf(Kind.IDENT, "or") || takeIf(Kind.OP, "||")) {
            left = logic("or", left, xor());
        }
        return left;
    }

    private Node xor() {
        Node left = and();
        while (takeIf(Kind.IDENT, "xor") || takeIf(Kind.OP, "^^")) {
            left = logic("xor", left, and());
        }
        return left;
    }

    private Node and() {
        Node left = unary();
        while (takeIf(Kind.IDENT, "and") || takeIf(Kind.OP, "&&")) {
            left = logic("and", left, unary());
        }
        return left;
    }

    private Node logic(String op, Node left, Node right) {
        requireBool(left);
        requireBool(right);
        return new Node.Logic(op, left, right, left.column());
    }

    private void requireBool(Node node) {
        if (!node.type().equals(Type.BOOL) || node.each()) {
            throw error(node.column(), "expected a Bool here, but this is " + describe(node));
        }
    }

    private Node unary() {
        Token t = peek();
        if (takeIf(Kind.IDENT, "not") || takeIf(Kind.OP, "!")) {
            enter(t);
            Node operand = unary();
            depth--;
            requireBool(operand);
            return new Node.Not(operand, t.column());
        }
        if (takeIf(Kind.LPAREN, "(")) {
            enter(t);
            Node inner = or();
            depth--;
            expect(Kind.RPAREN, "')'");
            return inner;
        }
        return comparison();
    }

    private void enter(Token t) {
        if (++depth > MAX_DEPTH) {
            throw error(t, "the expression nests deeper than " + MAX_DEPTH + " levels");
        }
    }

    // ------------------------------------------------------------------ comparisons

    private Node comparison() {
        Node left = value();
        Token opToken = peek();
        String op = null;
        if (opToken.kind() == Kind.IDENT && opToken.text().equals("strict") && tokens.get(at + 1).is(Kind.IDENT, "wildcard")) {
            at += 2;
            op = "strict wildcard";
        } else if (opToken.kind() == Kind.IDENT || opToken.kind() == Kind.OP) {
            op = OPERATORS.get(opToken.text());
            if (op != null) {
                at++;
            }
        }
        if (op == null) {
            return left; // a Bool on its own, e.g. `ssl`
        }
        Type scalar = left.type();
        if (scalar.isContainer()) {
            throw error(opToken, "cannot compare " + describe(left) + " with '" + opToken.text()
                    + "' (index it with [0], [\"key\"] or [*])");
        }
        Object right = switch (op) {
            case "in" -> set(left);
            case "matches" -> regex(scalar, opToken);
            default -> literal(scalar, op, opToken);
        };
        return new Node.Compare(left, op, right, left.each(), left.column());
    }

    private void requireKind(Type type, Token opToken, Type.Kind... kinds) {
        for (Type.Kind k : kinds) {
            if (type.kind() == k) {
                return;
            }
        }
        throw error(opToken, "'" + opToken.text() + "' does not apply to " + type);
    }

    private Object literal(Type type, String op, Token opToken) {
        switch (op) {
            case "contains", "wildcard", "strict wildcard" -> requireKind(type, opToken, Type.Kind.BYTES);
            case "lt", "le", "gt", "ge" -> requireKind(type, opToken, Type.Kind.BYTES, Type.Kind.INT);
            default -> { }
        }
        Token t = take();
        Object value = literalValue(type, t);
        if (op.endsWith("wildcard")) {
            String problem = Wildcards.problem((String) value);
            if (problem != null) {
                throw error(t, "invalid wildcard pattern: " + problem);
            }
        }
        return value;
    }

    private Object literalValue(Type type, Token t) {
        switch (type.kind()) {
            case BYTES -> {
                if (t.kind() != Kind.STRING) {
                    throw error(t, "expected a string (Bytes) but found " + t);
                }
                return t.text();
            }
            case INT -> {
                if (t.kind() != Kind.INT) {
                    throw error(t, "expected an integer but found " + t);
                }
                try {
                    return Long.parseLong(t.text());
                } catch (NumberFormatException e) {
                    throw error(t, "integer out of range: " + t.text());
                }
            }
            case IP -> {
                if (t.kind() != Kind.IP) {
                    throw error(t, "expected an IP address but found " + t);
                }
                return Cidr.parse(t.text(), () -> error(t, "not an IP address or CIDR range: " + t.text()));
            }
            case BOOL -> {
                if (t.is(Kind.IDENT, "true") || t.is(Kind.IDENT, "false")) {
                    return Boolean.valueOf(t.text());
                }
                throw error(t, "expected true or false but found " + t);
            }
            default -> throw error(t, "cannot compare " + type);
        }
    }

    private Object regex(Type type, Token opToken) {
        requireKind(type, opToken, Type.Kind.BYTES);
        Token t = take();
        if (t.kind() != Kind.STRING) {
            throw error(t, "expected a regular expression in a string but found " + t);
        }
        return Regexes.compile(t.text(), problem -> error(t, problem));
    }

    /** {@code {a b c}}, {@code {1..10}}, {@code {10.0.0.0/8}}, or {@code $list}. */
    private Object set(Node left) {
        Token t = take();
        if (t.kind() == Kind.LIST) {
            return new ListRef(t.text());
        }
        if (t.kind() != Kind.LBRACE) {
            throw error(t, "expected '{' or a $list after 'in' but found " + t);
        }
        List<Object> members = new ArrayList<>();
        while (!takeIf(Kind.RBRACE, "}")) {
            Token m = peek();
            if (m.kind() == Kind.END) {
                throw error(m, "expected '}' to close the set");
            }
            take();
            Object value = literalValue(left.type(), m);
            if (left.type().kind() == Type.Kind.INT && takeIf(Kind.RANGE, "..")) {
                Token end = take();
                value = new long[] {(Long) value, (Long) literalValue(Type.INT, end)};
            }
            members.add(value);
            takeIf(Kind.COMMA, ",");
        }
        return members;
    }

    /** A named list, resolved when the expression runs ({@link Lists}). */
    record ListRef(String name) {
    }

    // ------------------------------------------------------------------ values

    private Node value() {
        Token t = take();
        Node node;
        if (t.kind() == Kind.IDENT && peek().kind() == Kind.LPAREN) {
            node = call(t);
        } else if (t.kind() == Kind.IDENT && scheme.field(t.text()) == null
                && (t.text().equals("true") || t.text().equals("false"))) {
            node = new Node.Literal(t.text().equals("true"), Type.BOOL, t.column()); // "expression": "true" matches every request
        } else if (t.kind() == Kind.IDENT) {
            Scheme.Field field = scheme.field(t.text());
            if (field == null) {
                throw error(t, "unknown field " + t.text());
            }
            node = new Node.FieldRef(field, t.column());
        } else if (t.kind() == Kind.STRING) {
            node = new Node.Literal(t.text(), Type.BYTES, t.column());
        } else if (t.kind() == Kind.INT) {
            node = new Node.Literal(literalValue(Type.INT, t), Type.INT, t.column());
        } else {
            throw error(t, "expected a field, a function or a value but found " + t);
        }
        while (takeIf(Kind.LBRACKET, "[")) {
            node = index(node);
        }
        return node;
    }

    private Node index(Node base) {
        Token t = take();
        if (base.each() && t.kind() == Kind.STAR) {
            expect(Kind.RBRACKET, "']'");
            return base; // lower(x[*])[*]: the function already gave one value per element
        }
        if (!base.type().isContainer()) {
            throw error(t, "cannot index " + describe(base));
        }
        if (base.each()) {
            throw error(t, "cannot index the elements of [*] again");
        }
        Object key;
        boolean each = false;
        if (t.kind() == Kind.STAR) {
            key = null;
            each = true;
        } else if (t.kind() == Kind.INT && base.type().kind() == Type.Kind.ARRAY) {
            key = Long.parseLong(t.text());
        } else if (t.kind() == Kind.STRING && base.type().kind() == Type.Kind.MAP) {
            key = t.text();
        } else {
            throw error(t, base.type().kind() == Type.Kind.ARRAY
                    ? "expected an array index (an integer) or * but found " + t
                    : "expected a map key (a string) or * but found " + t);
        }
        expect(Kind.RBRACKET, "']'");
        return new Node.Index(base, key, base.type().element(), each, base.column());
    }

    private Node call(Token name) {
        Functions.Function function = scheme.function(name.text());
        if (function == null) {
            throw error(name, "unknown function " + name.text() + "()");
        }
        enter(name);
        expect(Kind.LPAREN, "'('");
        List<Node> args = new ArrayList<>();
        if (!takeIf(Kind.RPAREN, ")")) {
            do {
                args.add(function.name().equals("any") || function.name().equals("all") ? or() : value());
            } while (takeIf(Kind.COMMA, ","));
            expect(Kind.RPAREN, "')' or ','");
        }
        depth--;
        return function.check(args, problem -> error(name, problem), name.column());
    }

}
