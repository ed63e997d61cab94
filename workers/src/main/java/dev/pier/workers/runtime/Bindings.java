package dev.pier.workers.runtime;

import dev.pier.workers.DurableObjectNamespace;
import dev.pier.workers.Env;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** A script's bindings: its text vars and its Durable Object namespaces, by name. */
final class Bindings implements Env {

    private final Map<String, String> vars;
    private final Map<String, DurableObjectNamespace> namespaces;

    /** @param namespaces filled in by the caller once the namespaces, which get this env themselves, exist */
    Bindings(Map<String, String> vars, Map<String, DurableObjectNamespace> namespaces) {
        this.vars = vars;
        this.namespaces = namespaces;
    }

    @Override
    public String var(String name) {
        return vars.get(name);
    }

    @Override
    public DurableObjectNamespace durableObject(String name) {
        return namespaces.get(name);
    }

    @Override
    public Set<String> names() {
        Set<String> names = new HashSet<>(vars.keySet());
        names.addAll(namespaces.keySet());
        return names;
    }
}
