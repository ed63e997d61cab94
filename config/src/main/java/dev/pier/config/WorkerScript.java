package dev.pier.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Worker the node runs: its name (what routes name), its code, its text bindings, and its
 * Durable Object bindings: binding name → the class that implements the object.
 *
 * <p>The code is one of two forms, exactly one present:
 * <ul>
 *   <li>Java: the class that implements {@code dev.pier.workers.Worker} and the jar it is in (null:
 *       the node's own classpath, as for the examples); a Durable Object class is in the same jar.</li>
 *   <li>JavaScript: the main module, an ES module whose default export has {@code fetch}; the other
 *       modules it imports resolve relative to its folder, and a Durable Object class is a class the
 *       main module exports. {@code compatibilityDate} is Cloudflare's {@code compatibility_date}
 *       (kept and reported; null when not given).</li>
 * </ul>
 */
public record WorkerScript(String name, String className, Path jar, Map<String, String> vars, Map<String, String> durableObjects,
        Path mainModule, String compatibilityDate, WorkerLimits limits) {

    /** Cloudflare's script names: lower-case letters, digits, '-' and '_', at most 63. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    /** A binding's name: what the code reads it as ({@code env.durableObject("ROOMS")}). */
    public static final Pattern BINDING = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    /** Cloudflare's compatibility dates: {@code yyyy-mm-dd}. */
    public static final Pattern COMPATIBILITY_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    public WorkerScript {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: '" + name + "' (expected: lower-case letters, digits, '-' and '_', at most 63)");
        }
        if ((className == null) == (mainModule == null)) {
            throw new IllegalArgumentException("worker " + name + ": " + (className == null ? "neither class nor main_module"
                    : "both class and main_module") + " (expected: exactly one, a Java class or a JavaScript main module)");
        }
        if (mainModule != null && jar != null) {
            throw new IllegalArgumentException("worker " + name + ": jar: " + jar + " (expected: no jar with main_module)");
        }
        if (compatibilityDate != null && !COMPATIBILITY_DATE.matcher(compatibilityDate).matches()) {
            throw new IllegalArgumentException("worker " + name + ": compatibility_date: '" + compatibilityDate
                    + "' (expected: a date as yyyy-mm-dd)");
        }
        Objects.requireNonNull(limits, "limits");
        vars = Map.copyOf(vars);
        durableObjects = Map.copyOf(durableObjects);
        durableObjects.keySet().forEach(binding -> {
            if (!BINDING.matcher(binding).matches()) {
                throw new IllegalArgumentException("durable_objects: binding '" + binding + "' (expected: letters, digits and _, "
                        + "starting with a letter, as a JavaScript name)");
            }
        });
    }

    /** A Worker with Cloudflare's default limits. */
    public WorkerScript(String name, String className, Path jar, Map<String, String> vars, Map<String, String> durableObjects,
            Path mainModule, String compatibilityDate) {
        this(name, className, jar, vars, durableObjects, mainModule, compatibilityDate, WorkerLimits.DEFAULT);
    }

    /** This Worker with {@code limits} (its {@code limits:}; JavaScript Workers keep them). */
    public WorkerScript withLimits(WorkerLimits limits) {
        return new WorkerScript(name, className, jar, vars, durableObjects, mainModule, compatibilityDate, limits);
    }

    /** A Java Worker with text and Durable Object bindings. */
    public WorkerScript(String name, String className, Path jar, Map<String, String> vars, Map<String, String> durableObjects) {
        this(name, className, jar, vars, durableObjects, null, null);
    }

    /** A Java Worker with text bindings only. */
    public WorkerScript(String name, String className, Path jar, Map<String, String> vars) {
        this(name, className, jar, vars, Map.of());
    }

    /**
     * A JavaScript module Worker.
     *
     * @param mainModule        the main module's file; the modules it imports resolve relative to its folder
     * @param compatibilityDate Cloudflare's {@code compatibility_date}, or null
     * @param durableObjects    binding name → the name of a class the main module exports
     */
    public static WorkerScript javaScript(String name, Path mainModule, String compatibilityDate, Map<String, String> vars,
            Map<String, String> durableObjects) {
        return new WorkerScript(name, null, null, vars, durableObjects, Objects.requireNonNull(mainModule, "mainModule"),
                compatibilityDate);
    }

    /** Whether the code is a JavaScript main module (else a Java class). */
    public boolean isJavaScript() {
        return mainModule != null;
    }

    /** What the code is, for the log: the class (and its jar), or the main module. */
    public String code() {
        return mainModule != null ? mainModule.toString() : className + (jar == null ? "" : " from " + jar);
    }
}
