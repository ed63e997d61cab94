package dev.pier.workers.js;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Set;
import org.graalvm.polyglot.io.FileSystem;

/**
 * A script's modules ({@link ModuleFiles}) and Cloudflare's built-in ones, which a script imports
 * by name: {@code cloudflare:workers} (its {@code DurableObject} and {@code WorkerEntrypoint}
 * classes, which runtime/objects.js defines). A built-in module is a path of its own that no file
 * has, so it is never read from the disk. It keeps nothing of a context's (each read is a new
 * channel), so one serves every context of a script; what a context counts (its invocations'
 * subrequests and CPU time) is its {@link JsRealm}'s.
 */
final class BuiltinModules implements FileSystem {

    private static final String SCHEME = "cloudflare";
    private static final Map<String, String> MODULES = Map.of("workers", """
            const m = globalThis[Symbol.for('pier.cloudflare:workers')];
            export const DurableObject = m.DurableObject;
            export const WorkerEntrypoint = m.WorkerEntrypoint;
            export default m;
            """);

    private final ModuleFiles files;
    /** Where the built-in modules are: a folder name that is not on the disk; a built-in path is never looked up there. */
    private final Path builtins;

    BuiltinModules(ModuleFiles files) {
        this.files = files;
        this.builtins = Path.of("/", "pier:builtin", SCHEME);
    }

    private String builtin(Path path) {
        Path p = path.normalize();
        if (p.isAbsolute() && p.getParent() != null && p.getParent().equals(builtins)) {
            String name = p.getFileName().toString();
            return MODULES.containsKey(name) ? name : null;
        }
        return null;
    }

    private Path pathOf(String specifier) {
        String name = specifier.substring(SCHEME.length() + 1);
        if (!MODULES.containsKey(name)) {
            throw new IllegalArgumentException("import \"" + specifier + "\": no such built-in module (expected: cloudflare:workers)");
        }
        return builtins.resolve(name);
    }

    @Override
    public Path parsePath(URI uri) {
        if (SCHEME.equals(uri.getScheme())) {
            return pathOf(uri.toString());
        }
        return files.parsePath(uri);
    }

    @Override
    public Path parsePath(String path) {
        if (path.startsWith(SCHEME + ":")) {
            return pathOf(path);
        }
        return files.parsePath(path);
    }

    @Override
    public void checkAccess(Path path, Set<? extends AccessMode> modes, LinkOption... options) throws IOException {
        if (builtin(path) == null) {
            files.checkAccess(path, modes, options);
        } else if (modes.contains(AccessMode.WRITE)) {
            throw new java.nio.file.AccessDeniedException(path.toString());
        }
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        files.createDirectory(dir, attrs);
    }

    @Override
    public void delete(Path path) throws IOException {
        files.delete(path);
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        String name = builtin(path);
        if (name == null) {
            return files.newByteChannel(path, options, attrs);
        }
        return new BytesChannel(MODULES.get(name).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        return files.newDirectoryStream(dir, filter);
    }

    @Override
    public Path toAbsolutePath(Path path) {
        return builtin(path) != null ? path : files.toAbsolutePath(path);
    }

    @Override
    public Path toRealPath(Path path, LinkOption... linkOptions) throws IOException {
        return builtin(path) != null ? path.normalize() : files.toRealPath(path, linkOptions);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        String name = builtin(path);
        if (name == null) {
            return files.readAttributes(path, attributes, options);
        }
        FileTime epoch = FileTime.fromMillis(0);
        return Map.of("isRegularFile", true, "isDirectory", false, "isSymbolicLink", false, "isOther", false,
                "size", (long) MODULES.get(name).length(), "lastModifiedTime", epoch, "lastAccessTime", epoch, "creationTime", epoch);
    }

    @Override
    public String getMimeType(Path path) {
        return "application/javascript+module";
    }
}
