package dev.pier.control;

import dev.pier.control.store.StoredScriptModule;
import dev.pier.control.store.StoredWorkerScript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A node's copy of the store's Workers scripts as the files the JavaScript runtime reads: one
 * folder a script version, named by the script and its etag, holding its modules under their
 * names, so the main module's imports resolve beside it. An unchanged script keeps its folder; a
 * new version gets a new one and never overwrites files in use. A folder is written whole beside
 * and moved in, so the runtime never reads half a script. The folder is readable by its owner only
 * (scripts hold secret texts in no file, but their code is the account's), made when the first
 * script is written, and removed when the node closes.
 */
public final class ScriptFolder implements AutoCloseable {

    /** Made on first use; null until then. */
    private Path dir;
    private boolean closed;
    /** The folders the configuration before the last one used: they go one configuration later. */
    private Set<Path> previous = Set.of();

    private ScriptFolder() {
    }

    /** A private folder for this process, made when it is first needed. */
    public static ScriptFolder create() {
        return new ScriptFolder();
    }

    /** The folder, or null while no script has been written. */
    public synchronized Path dir() {
        return dir;
    }

    /**
     * The main module of a stored script, its modules (read through {@code modules} only when this
     * version is not written yet) written in its folder.
     */
    synchronized Path mainModule(StoredWorkerScript script, Supplier<List<StoredScriptModule>> modules) {
        Path folder = folder().resolve(script.name() + "-" + script.etag());
        if (!Files.isDirectory(folder)) {
            write(folder, modules.get());
        }
        return folder.resolve(script.mainModule());
    }

    private Path folder() {
        if (closed) {
            throw new IllegalStateException("scripts: the folder is closed; the process is stopping");
        }
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("pier-scripts",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (IOException e) {
                throw new UncheckedIOException("scripts: cannot make a folder for the edge's copies", e);
            }
        }
        return dir;
    }

    private static void write(Path folder, List<StoredScriptModule> modules) {
        Path partial = null;
        try {
            partial = Files.createTempDirectory(folder.getParent(), "partial");
            for (StoredScriptModule m : modules) {
                Path file = partial.resolve(m.name()).normalize();
                if (!file.startsWith(partial)) {
                    throw new IllegalStateException("scripts: module " + m.name() + " would leave its script's folder");
                }
                Files.createDirectories(file.getParent());
                Files.write(file, m.content());
            }
            try {
                Files.move(partial, folder, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, folder);
            }
            partial = null;
        } catch (IOException e) {
            throw new UncheckedIOException("scripts: cannot write " + folder, e);
        } finally {
            if (partial != null) {
                delete(partial);
            }
        }
    }

    /**
     * Deletes the folders of scripts neither this configuration ({@code used}: main modules) nor the
     * one before it runs: a request the previous version still serves may load a module lazily.
     */
    synchronized void keepOnly(Collection<Path> used) {
        if (dir == null) {
            return;
        }
        Set<Path> current = new HashSet<>();
        used.forEach(main -> current.add(dir.relativize(main).getName(0)));
        Set<Path> keep = new HashSet<>(current);
        keep.addAll(previous);
        previous = current;
        try (Stream<Path> folders = Files.list(dir)) {
            folders.filter(f -> !keep.contains(f.getFileName())).forEach(ScriptFolder::delete);
        } catch (IOException | UncheckedIOException e) {
            // tried again after the next change
        }
    }

    private static void delete(Path tree) {
        try (Stream<Path> files = Files.walk(tree)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a folder left behind holds nothing the store does not
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (dir != null) {
            delete(dir);
        }
    }
}
