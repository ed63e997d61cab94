package dev.pier.workers;

import java.util.Map;
import java.util.Set;

/** A Worker's bindings, by name, as its configuration gives them. */
public interface Env {

    /** A text binding (Cloudflare's {@code plain_text} and {@code secret_text}), or null when there is none by that name. */
    String var(String name);

    /** The names of every binding. */
    Set<String> names();

    /** A Durable Object namespace binding (Cloudflare's {@code durable_object_namespace}), or null when there is none by that name. */
    default DurableObjectNamespace durableObject(String name) {
        return null;
    }

    /** Text bindings only, from a map (copied). */
    static Env of(Map<String, String> vars) {
        Map<String, String> copy = Map.copyOf(vars);
        return new Env() {
            @Override
            public String var(String name) {
                return copy.get(name);
            }

            @Override
            public Set<String> names() {
                return copy.keySet();
            }
        };
    }
}
