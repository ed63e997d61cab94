package dev.pier.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Named lists that expressions use as {@code $name} (Cloudflare's Lists, such as an IP list
 * {@code $office}), prepared once per configuration: CIDR ranges are parsed here, not per request.
 * Immutable and shared by every request's {@link Context}.
 */
public final class Lists {

    public static final Lists NONE = new Lists(Map.of());

    private final Map<String, List<Object>> byName;

    private Lists(Map<String, List<Object>> byName) {
        this.byName = Map.copyOf(byName);
    }

    /**
     * @param lists by name: strings, integers (Long), IP addresses, or CIDR ranges written as
     *              strings ("10.0.0.0/8", "2001:db8::/32")
     * @throws IllegalArgumentException naming the list and the item that is not valid
     */
    public static Lists of(Map<String, ? extends Collection<?>> lists) {
        Map<String, List<Object>> out = new HashMap<>();
        lists.forEach((name, items) -> out.put(name, members(name, items)));
        return new Lists(out);
    }

    Map<String, List<Object>> byName() {
        return byName;
    }

    static List<Object> members(String name, Collection<?> items) {
        List<Object> members = new ArrayList<>();
        for (Object item : items) {
            if (item instanceof String s && s.matches("[0-9a-fA-F.:]+(/\\d+)?") && (s.contains(".") || s.contains(":"))) {
                Cidr cidr = Cidr.parseOrNull(s.contains("/") ? s : s + (s.contains(":") ? "/128" : "/32"));
                if (cidr == null) {
                    throw new IllegalArgumentException("list " + name + ": " + s + " (expected: an IP address or a CIDR range such as 10.0.0.0/8)");
                }
                members.add(cidr);
            } else {
                members.add(item);
            }
        }
        return List.copyOf(members);
    }
}
