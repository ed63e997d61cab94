package dev.pier.workers.js;

import dev.pier.workers.Worker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/** Loads JavaScript module Workers: what a node's runtime calls for a script with a {@code main_module}. */
public final class JsWorkers {

    private JsWorkers() {
    }

    /**
     * The script whose main module is {@code mainModule}, evaluated once (the modules it imports
     * resolve relative to its folder, and none outside it).
     *
     * @param name the script's name, which its console lines carry
     * @throws ScriptError when the main module does not parse, throws while loading, or has no default export with {@code fetch}
     * @throws IOException when the main module cannot be read
     */
    public static Worker load(String name, Path mainModule) throws IOException {
        return load(name, mainModule, JsLimits.DEFAULT);
    }

    /**
     * The script whose main module is {@code mainModule}, with its resource limits.
     *
     * @see #load(String, Path)
     */
    public static Worker load(String name, Path mainModule, JsLimits limits) throws IOException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(limits, "limits");
        if (!Files.isRegularFile(mainModule)) {
            throw new java.nio.file.NoSuchFileException(mainModule.toString(), null, "main_module: no such file");
        }
        return new JsWorker(name, mainModule, limits);
    }

    /**
     * What tells one version of a script's files from the next: the size and modification time of
     * every module file (the kinds {@link ModuleFiles} reads) under the main module's folder, so
     * that data beside them (a database, a log) does not count.
     */
    public static String stamp(Path mainModule) {
        Path folder = mainModule.toAbsolutePath().normalize().getParent();
        long[] sum = {0, 0};
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    if (!ModuleFiles.isModule(file)) {
                        return FileVisitResult.CONTINUE;
                    }
                    sum[0] = sum[0] * 31 + file.hashCode();
                    sum[1] = sum[1] * 31 + a.size() * 1_000_003 + a.lastModifiedTime().toMillis();
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return "unreadable";
        }
        return Long.toHexString(sum[0]) + "-" + Long.toHexString(sum[1]);
    }
}
