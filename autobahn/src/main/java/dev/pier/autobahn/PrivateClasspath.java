package dev.pier.autobahn;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A class loader over a private copy of the mutable part of a class path: class folders and
 * Pier's own jars (a module's target/*.jar, or dev/pier/** in the local repository), which
 * another build of the tree may rewrite while the servers run. Third-party jars from the local
 * repository never change and are used in place.
 */
final class PrivateClasspath {

    private PrivateClasspath() {
    }

    static URLClassLoader copy(URLClassLoader source, Path folder) throws IOException, URISyntaxException {
        AutobahnReports.deleteTree(folder);
        Files.createDirectories(folder);
        List<URL> urls = new ArrayList<>();
        int copied = 0;
        for (URL url : source.getURLs()) {
            if (!"file".equals(url.getProtocol())) {
                urls.add(url);
                continue;
            }
            Path path = Path.of(url.toURI());
            String text = path.toString().replace('\\', '/');
            boolean mutable = Files.isDirectory(path) || !text.contains("/.m2/repository/") || text.contains("/dev/pier/");
            if (!mutable || !Files.exists(path)) {
                urls.add(url);
                continue;
            }
            Path target = folder.resolve(copied++ + "-" + path.getFileName());
            if (Files.isDirectory(path)) {
                copyTree(path, target);
            } else {
                copyJar(path, target);
            }
            urls.add(target.toUri().toURL());
        }
        return new URLClassLoader("autobahn-servers", urls.toArray(URL[]::new), source.getParent());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Copies a jar and reads every entry of the copy; retries while it is being rewritten. */
    private static void copyJar(Path from, Path to) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                try (ZipFile zip = new ZipFile(to.toFile())) {
                    for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                        try (InputStream in = zip.getInputStream(e.nextElement())) {
                            in.transferTo(OutputStream.nullOutputStream());
                        }
                    }
                }
                return;
            } catch (IOException | UncheckedIOException e) {
                last = e instanceof IOException io ? io : ((UncheckedIOException) e).getCause();
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new IOException(from + " could not be copied whole (is a build rewriting it?)", last);
    }
}
