package dev.pier.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.re2j.Pattern;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


/**
 * The functions of the Rules language. Each checks its arguments when the expression is
 * parsed (count and types; some arguments must be literals) and computes on plain values when
 * it runs. A function given the elements of an array ({@code [*]}) applies to each of them.
 */
final class Functions {

    /** Checks a call's arguments; returns the result type, or throws through {@code error}. */
    interface Signature {
        Type check(List<Node> args, java.util.function.Function<String, RuleException> error);
    }

    /** Computes a result from argument values (never the {@code [*]} lists: those are mapped). */
    interface Body {
        Object apply(Object[] args);

        /**
         * Computes with the request's budget at hand: the caller has charged reading the
         * arguments once, and a body whose work grows faster than that charges the rest.
         */
        default Object apply(Object[] args, Context context) {
            return apply(args);
        }
    }

    record Function(String name, Signature signature, Body body) {
        Node check(List<Node> args, java.util.function.Function<String, RuleException> error, int column) {
            Type type = signature.check(args, error);
            boolean reducer = name.equals("any") || name.equals("all");
            boolean each = !reducer && args.stream().anyMatch(Node::each);
            if (args.stream().filter(Node::each).count() > 1) {
                throw error.apply(name + "() takes the elements of one array at most");
            }
            return new Node.Call(this, List.copyOf(args), type, each, column);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Function> FUNCTIONS = new HashMap<>();

    static Function get(String name) {
        return FUNCTIONS.get(name);
    }

    private static void define(String name, Signature signature, Body body) {
        FUNCTIONS.put(name, new Function(name, signature, body));
    }

    /** Checks the count and each argument's kind. */
    static Signature args(Type result, int min, Type.Kind[]... kinds) {
        return (args, error) -> {
            if (args.size() < min || args.size() > kinds.length) {
                throw error.apply("expected " + (min == kinds.length ? min : min + " to " + kinds.length)
                        + " argument(s) but found " + args.size());
            }
            for (int i = 0; i < args.size(); i++) {
                Type t = args.get(i).type();
                boolean ok = false;
                for (Type.Kind k : kinds[i]) {
                    ok |= t.kind() == k;
                }
                if (!ok) {
                    throw error.apply("argument " + (i + 1) + " cannot be " + t);
                }
            }
            return result;
        };
    }

    private static Type.Kind[] k(Type.Kind... kinds) {
        return kinds;
    }

    private static final Type.Kind[] BYTES = k(Type.Kind.BYTES);
    private static final Type.Kind[] INT = k(Type.Kind.INT);

    static {
        Signature reducer = (args, error) -> {
            if (args.size() != 1 || !args.get(0).each() || !args.get(0).type().equals(Type.BOOL)) {
                throw error.apply("expected one comparison over the elements of an array, e.g. any(http.request.headers.names[*] == \"x\")");
            }
            return Type.BOOL;
        };
        define("any", reducer, a -> a[0]); // the compiler reduces
        define("all", reducer, a -> a[0]);
        define("lower", args(Type.BYTES, 1, BYTES), a -> ((String) a[0]).toLowerCase(Locale.ROOT));
        define("upper", args(Type.BYTES, 1, BYTES), a -> ((String) a[0]).toUpperCase(Locale.ROOT));
        define("len", args(Type.INT, 1, k(Type.Kind.BYTES, Type.Kind.ARRAY)), a -> (long) (a[0] instanceof String s
                ? s.getBytes(StandardCharsets.UTF_8).length : ((List<?>) a[0]).size()));
        define("starts_with", args(Type.BOOL, 2, BYTES, BYTES), a -> ((String) a[0]).startsWith((String) a[1]));
        define("ends_with", args(Type.BOOL, 2, BYTES, BYTES), a -> ((String) a[0]).endsWith((String) a[1]));
        define("concat", (args, error) -> {
            if (args.isEmpty()) {
                throw error.apply("expected at least one argument");
            }
            Type first = args.get(0).type();
            for (Node n : args) {
                if (!n.type().equals(first) || !(first.kind() == Type.Kind.BYTES || first.kind() == Type.Kind.ARRAY)) {
                    throw error.apply("expected arguments of one type, all Bytes or all Arrays");
                }
            }
            return first;
        }, a -> {
            if (a[0] instanceof String) {
                StringBuilder out = new StringBuilder();
                for (Object o : a) {
                    out.append((String) o);
                }
                return out.toString();
            }
            List<Object> out = new ArrayList<>();
            for (Object o : a) {
                out.addAll((List<?>) o);
            }
            return out;
        });
        define("substring", args(Type.BYTES, 2, BYTES, INT, INT), a -> {
            String s = (String) a[0];
            int len = s.length();
            int start = index((Long) a[1], len);
            int end = a.length > 2 && a[2] != null ? index((Long) a[2], len) : len;
            return start >= end ? "" : s.substring(start, end);
        });
        define("to_string", args(Type.BYTES, 1, k(Type.Kind.INT, Type.Kind.BOOL, Type.Kind.IP, Type.Kind.BYTES)),
                a -> a[0] instanceof InetAddress ip ? ip.getHostAddress() : String.valueOf(a[0]));
        define("url_decode", args(Type.BYTES, 1, BYTES, BYTES), new Body() {
            @Override
            public Object apply(Object[] a) {
                return apply(a, null);
            }

            @Override
            public Object apply(Object[] a, Context context) {
                String s = (String) a[0];
                boolean recursive = a.length > 1 && a[1] != null && ((String) a[1]).contains("r");
                String decoded = decode(s);
                while (recursive && !decoded.equals(s)) {
                    if (context != null) {
                        // each pass reads the string again: "%252525..." takes one pass per two characters
                        context.charge(Costs.URL_DECODE * (decoded.length() + 1L));
                    }
                    s = decoded;
                    decoded = decode(s);
                }
                return decoded;
            }
        });
        define("cidr", args(Type.IP, 3, k(Type.Kind.IP), INT, INT), a -> {
            InetAddress ip = (InetAddress) a[0];
            int bits = ip.getAddress().length == 4 ? ((Long) a[1]).intValue() : ((Long) a[2]).intValue();
            return network(ip, bits);
        });
        define("cidr6", args(Type.IP, 2, k(Type.Kind.IP), INT), a -> {
            InetAddress ip = (InetAddress) a[0];
            return ip.getAddress().length == 16 ? network(ip, ((Long) a[1]).intValue()) : ip;
        });
        define("remove_bytes", args(Type.BYTES, 2, BYTES, BYTES), a -> {
            String s = (String) a[0];
            String remove = (String) a[1];
            StringBuilder out = new StringBuilder(s.length());
            s.codePoints().filter(c -> remove.indexOf(c) < 0).forEach(out::appendCodePoint);
            return out.toString();
        });
        Signature regexReplace = literalArgs(args(Type.BYTES, 3, BYTES, BYTES, BYTES), 1, 2);
        define("regex_replace", (args, error) -> {
            Type type = regexReplace.check(args, error);
            Regexes.compile((String) ((Node.Literal) args.get(1)).value(), error); // a bad pattern is a parse error
            return type;
        }, a -> regex((String) a[1]).matcher((String) a[0])
                .replaceFirst(((String) a[2]).replaceAll("\\$\\{(\\d+)\\}", "\\$$1")));
        Signature wildcardReplace = literalArgs(args(Type.BYTES, 3, BYTES, BYTES, BYTES, BYTES), 1, 2);
        define("wildcard_replace", (args, error) -> {
            Type type = wildcardReplace.check(args, error);
            String problem = Wildcards.problem((String) ((Node.Literal) args.get(1)).value());
            if (problem != null) {
                throw error.apply("invalid wildcard pattern: " + problem); // refused when parsed, as Cloudflare does
            }
            return type;
        }, a -> Wildcards.replace((String) a[0], (String) a[1], (String) a[2],
                a.length > 3 && a[3] != null && ((String) a[3]).contains("s")));
        define("lookup_json_string", json(Type.BYTES), a -> {
            JsonNode n = lookup(a);
            return n != null && n.isTextual() ? n.asText() : null;
        });
        define("lookup_json_integer", json(Type.INT), a -> {
            JsonNode n = lookup(a);
            return n != null && n.isIntegralNumber() ? n.asLong() : null;
        });
        define("decode_base64", args(Type.BYTES, 1, BYTES), a -> {
            try {
                return new String(Base64.getDecoder().decode((String) a[0]), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        });
        define("split", literalArgs(args(Type.arrayOf(Type.BYTES), 2, BYTES, BYTES, INT), 1), a -> {
            int limit = a.length > 2 && a[2] != null ? ((Long) a[2]).intValue() : 0;
            String[] parts = ((String) a[0]).split(java.util.regex.Pattern.quote((String) a[1]), limit <= 0 ? -1 : limit);
            return List.of(parts);
        });
        define("join", (args, error) -> {
            if (args.size() != 2 || !args.get(0).type().equals(Type.arrayOf(Type.BYTES)) || args.get(1).type().kind() != Type.Kind.BYTES) {
                throw error.apply("expected join(Array<Bytes>, Bytes)");
            }
            return Type.BYTES;
        }, a -> String.join((String) a[1], ((List<?>) a[0]).stream().map(String::valueOf).toList()));
    }

    /** The arguments at these positions must be literals (patterns, separators), checked when parsed. */
    private static Signature literalArgs(Signature inner, int... positions) {
        return (args, error) -> {
            Type type = inner.check(args, error);
            for (int p : positions) {
                if (p < args.size() && !(args.get(p) instanceof Node.Literal)) {
                    throw error.apply("argument " + (p + 1) + " must be a literal string");
                }
            }
            return type;
        };
    }

    private static Signature json(Type result) {
        return (args, error) -> {
            if (args.size() < 2 || args.get(0).type().kind() != Type.Kind.BYTES) {
                throw error.apply("expected a Bytes field and one or more keys (strings) or indexes (integers)");
            }
            for (Node n : args.subList(1, args.size())) {
                if (!(n instanceof Node.Literal)) {
                    throw error.apply("keys and indexes must be literals");
                }
            }
            return result;
        };
    }

    private static JsonNode lookup(Object[] a) {
        try {
            JsonNode n = JSON.readTree((String) a[0]);
            for (int i = 1; i < a.length && n != null; i++) {
                n = a[i] instanceof Long index ? n.get(index.intValue()) : n.get((String) a[i]);
            }
            return n;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static int index(long i, int length) {
        long at = i < 0 ? length + i : i;
        return (int) Math.max(0, Math.min(length, at));
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed escape stays as written
        }
    }

    private static InetAddress network(InetAddress ip, int bits) {
        try {
            return InetAddress.getByAddress(Cidr.mask(ip.getAddress(), bits));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }


    private static Pattern regex(String regex) {
        return Regexes.CACHE.get("regex " + regex, k -> Pattern.compile(regex));
    }

    private Functions() {
    }
}
