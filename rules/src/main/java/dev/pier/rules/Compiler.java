package dev.pier.rules;

import com.google.re2j.Pattern;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Turns a typed {@link Node} tree into closures over the context's value array. Everything
 * that can be decided once (operators, literal sets, patterns, slots) is decided here, so a
 * run does no lookups by name and no parsing. A missing value (an absent field, an index out
 * of range) makes comparisons false, as on Cloudflare.
 */
final class Compiler {

    /** A compiled value: reads the context and returns a value, or null when it is missing. */
    interface Eval {
        Object eval(Context context);
    }

    private Compiler() {
    }

    static Eval compile(Node node) {
        return switch (node) {
            case Node.FieldRef f -> {
                int slot = f.field().index();
                yield c -> c.values[slot];
            }
            case Node.Literal l -> {
                Object value = l.value();
                yield c -> value;
            }
            case Node.Index i -> index(i);
            case Node.Call call -> call(call);
            case Node.Compare cmp -> compare(cmp);
            case Node.Not n -> {
                Eval operand = compile(n.operand());
                yield c -> !Boolean.TRUE.equals(operand.eval(c));
            }
            case Node.Logic l -> logic(l);
        };
    }

    private static Eval logic(Node.Logic l) {
        Eval left = compile(l.left());
        Eval right = compile(l.right());
        return switch (l.op()) {
            case "and" -> c -> Boolean.TRUE.equals(left.eval(c)) && Boolean.TRUE.equals(right.eval(c));
            case "or" -> c -> Boolean.TRUE.equals(left.eval(c)) || Boolean.TRUE.equals(right.eval(c));
            default -> c -> Boolean.TRUE.equals(left.eval(c)) ^ Boolean.TRUE.equals(right.eval(c));
        };
    }

    private static Eval index(Node.Index i) {
        Eval base = compile(i.base());
        Object key = i.key();
        if (key == null) {
            return c -> base.eval(c) instanceof Map<?, ?> map ? new ArrayList<>(map.values()) : base.eval(c);
        }
        if (key instanceof Long index) {
            int at = index.intValue();
            return c -> base.eval(c) instanceof List<?> list && at >= 0 && at < list.size() ? list.get(at) : null;
        }
        return c -> base.eval(c) instanceof Map<?, ?> map ? map.get(key) : null;
    }

    private static Eval call(Node.Call call) {
        List<Eval> args = call.args().stream().map(Compiler::compile).toList();
        Functions.Body body = call.function().body();
        String name = call.function().name();
        if (name.equals("any") || name.equals("all")) {
            Eval each = args.get(0);
            boolean any = name.equals("any");
            return c -> {
                if (!(each.eval(c) instanceof List<?> results)) {
                    return false;
                }
                for (Object r : results) {
                    boolean b = Boolean.TRUE.equals(r);
                    if (any && b) {
                        return true;
                    }
                    if (!any && !b) {
                        return false;
                    }
                }
                return !any; // any() of nothing is false, all() of nothing is true
            };
        }
        int eachAt = -1;
        for (int i = 0; i < call.args().size(); i++) {
            if (call.args().get(i).each()) {
                eachAt = i;
            }
        }
        int mapped = eachAt;
        int n = args.size();
        long perCharacter = Costs.perCharacter(call);
        return c -> {
            Object[] values = new Object[n];
            for (int i = 0; i < n; i++) {
                values[i] = args.get(i).eval(c);
                if (values[i] == null && i != mapped && !optional(name, i)) {
                    return null;
                }
            }
            if (mapped < 0) {
                c.charge(perCharacter * Costs.read(values));
                return body.apply(values, c);
            }
            if (!(values[mapped] instanceof Collection<?> elements)) {
                return null;
            }
            List<Object> out = new ArrayList<>(elements.size());
            for (Object element : elements) {
                Object[] one = values.clone();
                one[mapped] = element;
                if (element == null) {
                    out.add(null);
                    continue;
                }
                c.charge(perCharacter * Costs.read(one));
                out.add(body.apply(one, c));
            }
            return out;
        };
    }

    /** Arguments that may be absent: optional trailing ones. */
    private static boolean optional(String function, int position) {
        return position >= 2 || function.equals("url_decode") && position == 1;
    }

    private static Eval compare(Node.Compare cmp) {
        Eval left = compile(cmp.left());
        Test test = test(cmp);
        if (!cmp.each()) {
            return c -> {
                Object value = left.eval(c);
                if (value == null) {
                    return false;
                }
                c.charge(Costs.read(value));
                return test.test(value, c);
            };
        }
        return c -> {
            if (!(left.eval(c) instanceof Collection<?> elements)) {
                return List.of();
            }
            List<Object> out = new ArrayList<>(elements.size());
            for (Object element : elements) {
                if (element == null) {
                    out.add(false);
                    continue;
                }
                c.charge(Costs.read(element));
                out.add(test.test(element, c));
            }
            return out;
        };
    }

    /**
     * One comparison of one value, decided at compile time. The caller has charged reading the
     * value ({@link Costs#read}); a test that runs a program charges its instructions for each
     * character, and only when it runs (after the required literals let it).
     */
    interface Test {
        boolean test(Object value, Context context);
    }

    @SuppressWarnings("unchecked")
    private static Test test(Node.Compare cmp) {
        Object right = cmp.right();
        return switch (cmp.op()) {
            case "eq" -> equality(right);
            case "ne" -> {
                Test eq = equality(right);
                yield (v, c) -> !eq.test(v, c);
            }
            case "lt" -> (v, c) -> order(v, right) < 0;
            case "le" -> (v, c) -> order(v, right) <= 0;
            case "gt" -> (v, c) -> order(v, right) > 0;
            case "ge" -> (v, c) -> order(v, right) >= 0;
            case "contains" -> (v, c) -> ((String) v).contains((String) right);
            case "matches" -> {
                Pattern pattern = (Pattern) right;
                long program = Costs.program(pattern);
                RequiredLiterals required = RequiredLiterals.of(pattern.pattern());
                yield required == null ? (v, c) -> run(program, v, c) && pattern.matcher((String) v).find()
                        : (v, c) -> required.mayMatch((String) v) && run(program, v, c) && pattern.matcher((String) v).find();
            }
            case "wildcard", "strict wildcard" -> {
                boolean strict = cmp.op().equals("strict wildcard");
                Pattern pattern = Wildcards.pattern((String) right, strict);
                long program = Costs.program(pattern);
                RequiredLiterals required = RequiredLiterals.ofWildcard((String) right, !strict);
                yield required == null ? (v, c) -> run(program, v, c) && pattern.matcher((String) v).matches()
                        : (v, c) -> required.mayMatch((String) v) && run(program, v, c) && pattern.matcher((String) v).matches();
            }
            default -> right instanceof Parser.ListRef list ? (v, c) -> c.inList(list.name(), v) : membership((List<Object>) right);
        };
    }

    /** Charges a program's run over a value (always true, so that it reads as a step of the test). */
    private static boolean run(long program, Object value, Context context) {
        context.charge(program * (((String) value).length() + 1L));
        return true;
    }

    private static Test equality(Object right) {
        if (right instanceof Cidr cidr) {
            return (v, c) -> cidr.contains((InetAddress) v);
        }
        return (v, c) -> right.equals(v);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int order(Object value, Object right) {
        return ((Comparable) value).compareTo(right);
    }

    private static Test membership(List<Object> members) {
        java.util.Set<Object> exact = new java.util.HashSet<>();
        List<long[]> ranges = new ArrayList<>();
        List<Cidr> cidrs = new ArrayList<>();
        for (Object m : members) {
            if (m instanceof long[] range) {
                ranges.add(range);
            } else if (m instanceof Cidr cidr) {
                cidrs.add(cidr);
            } else {
                exact.add(m);
            }
        }
        return (v, c) -> {
            if (exact.contains(v)) {
                return true;
            }
            if (v instanceof Long l) {
                for (long[] r : ranges) {
                    if (l >= r[0] && l <= r[1]) {
                        return true;
                    }
                }
            }
            if (v instanceof InetAddress ip) {
                for (Cidr cidr : cidrs) {
                    if (cidr.contains(ip)) {
                        return true;
                    }
                }
            }
            return false;
        };
    }
}
