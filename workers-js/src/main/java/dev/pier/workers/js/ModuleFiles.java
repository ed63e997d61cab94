package dev.pier.workers.js;

import java.io.IOException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.graalvm.polyglot.io.FileSystem;

/**
 * A script's modules as GraalJS reads them when one imports another: files under the main
 * module's folder only, read-only, each read once and kept for the script's contexts. Files that
 * are not JavaScript become ES modules whose default export is their content, as Cloudflare's
 * module rules make them: text ({@code .txt}, {@code .html}, {@code .sql}: a string), data
 * ({@code .bin}: an {@code ArrayBuffer}) and JSON ({@code .json}: the parsed value).
 */
final class ModuleFiles implements FileSystem {

    /** The global (by a registered symbol) that turns a data module's base64 into an ArrayBuffer; runtime/modules.js defines it. */
    static final String DATA_DECODER = "Symbol.for(\"pier.dataModule\")";

    private final FileSystem files = FileSystem.newReadOnlyFileSystem(FileSystem.newDefaultFileSystem());
    private final Path root;
    private final Map<Path, byte[]> read = new ConcurrentHashMap<>();

    /** @param root the main module's folder: every module is in it or below */
    ModuleFiles(Path root) throws IOException {
        this.root = root.toRealPath();
    }

    Path root() {
        return root;
    }

    /** A module's source as GraalJS evaluates it (a text, data or JSON module made into JavaScript); read once. */
    byte[] module(Path file) throws IOException {
        Path path = inside(file);
        byte[] source = read.get(path);
        if (source == null) {
            source = asJavaScript(path, java.nio.file.Files.readAllBytes(path));
            byte[] before = read.putIfAbsent(path, source);
            source = before != null ? before : source;
        }
        return source;
    }

    /** Whether {@code file} is of a kind a script can import: JavaScript, text, data or JSON. */
    static boolean isModule(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return MODULE_EXTENSIONS.contains(name.substring(name.lastIndexOf('.') + 1));
    }

    private static final Set<String> MODULE_EXTENSIONS = Set.of("js", "mjs", "txt", "html", "htm", "sql", "text", "bin", "json");

    private static byte[] asJavaScript(Path path, byte[] content) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = name.substring(name.lastIndexOf('.') + 1);
        String js = switch (ext) {
            case "txt", "html", "htm", "sql", "text" -> "export default " + literal(new String(content, StandardCharsets.UTF_8)) + ";\n";
            case "bin" -> "export default globalThis[" + DATA_DECODER + "](\"" + Base64.getEncoder().encodeToString(content) + "\");\n";
            case "json" -> "export default JSON.parse(" + literal(new String(content, StandardCharsets.UTF_8)) + ");\n";
            default -> null;
        };
        return js == null ? content : js.getBytes(StandardCharsets.UTF_8);
    }

    /** A JavaScript string literal of {@code text}. */
    static String literal(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** The absolute, normalized path, when it is in the script's folder. */
    private Path inside(Path path) throws IOException {
        Path absolute = files.toAbsolutePath(path).normalize();
        if (!absolute.startsWith(root)) {
            throw new NoSuchFileException(path.toString(), null, "outside the script's folder " + root
                    + " (expected: modules in the main module's folder or below)");
        }
        return absolute;
    }

    /** Every module is an ES module to GraalJS (a JSON file too: it was made into one). */
    @Override
    public String getMimeType(Path path) {
        return "application/javascript+module";
    }

    @Override
    public Path parsePath(java.net.URI uri) {
        return files.parsePath(uri);
    }

    @Override
    public Path parsePath(String path) {
        return files.parsePath(path);
    }

    @Override
    public void checkAccess(Path path, Set<? extends AccessMode> modes, LinkOption... options) throws IOException {
        files.checkAccess(inside(path), modes, options);
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
        if (options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND)) {
            throw new NonWritableChannelException();
        }
        return new BytesChannel(module(path));
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        return files.newDirectoryStream(inside(dir), filter);
    }

    @Override
    public Path toAbsolutePath(Path path) {
        return path.isAbsolute() ? path : root.resolve(path);
    }

    @Override
    public Path toRealPath(Path path, LinkOption... linkOptions) throws IOException {
        return inside(files.toRealPath(inside(path), linkOptions));
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        return files.readAttributes(inside(path), attributes, options);
    }
}
