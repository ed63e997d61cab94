package dev.pier.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Worker the node runs: its name (what routes name), the class that implements
 * {@code dev.pier.workers.Worker}, the jar it is in (null: the node's own classpath, as for the
 * examples) and its text bindings.
 */
public record WorkerScript(String name, String className, Path jar, Map<String, String> vars) {

    /** Cloudflare's script names: lower-case letters, digits, '-' and '_', at most 63. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    public WorkerScript {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: '" + name + "' (expected: lower-case letters, digits, '-' and '_', at most 63)");
        }
        Objects.requireNonNull(className, "className");
        vars = Map.copyOf(vars);
    }
}
