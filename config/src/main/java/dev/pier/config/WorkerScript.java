package dev.pier.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Worker the node runs: its name (what routes name), the class that implements
 * {@code dev.pier.workers.Worker}, the jar it is in (null: the node's own classpath, as for the
 * examples), its text bindings, and its Durable Object bindings: binding name → the class, in the
 * same jar, that implements {@code dev.pier.workers.DurableObject}.
 */
public record WorkerScript(String name, String className, Path jar, Map<String, String> vars, Map<String, String> durableObjects) {

    /** Cloudflare's script names: lower-case letters, digits, '-' and '_', at most 63. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    /** A binding's name: what the code reads it as ({@code env.durableObject("ROOMS")}). */
    public static final Pattern BINDING = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

    public WorkerScript {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: '" + name + "' (expected: lower-case letters, digits, '-' and '_', at most 63)");
        }
        Objects.requireNonNull(className, "className");
        vars = Map.copyOf(vars);
        durableObjects = Map.copyOf(durableObjects);
        durableObjects.keySet().forEach(binding -> {
            if (!BINDING.matcher(binding).matches()) {
                throw new IllegalArgumentException("durable_objects: binding '" + binding + "' (expected: letters, digits and _, "
                        + "starting with a letter, as a JavaScript name)");
            }
        });
    }

    /** A Worker with text bindings only. */
    public WorkerScript(String name, String className, Path jar, Map<String, String> vars) {
        this(name, className, jar, vars, Map.of());
    }
}
