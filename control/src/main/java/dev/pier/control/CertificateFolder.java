package dev.pier.control;

import dev.pier.config.CertificateFiles;
import dev.pier.control.store.StoredCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A node's copy of the store's certificates as the PEM files the edge's TLS reads: one pair a
 * certificate, named by the SHA-256 of its content, so an unchanged certificate keeps its files
 * and a new one never overwrites files in use. The folder is readable by its owner only, made
 * when the first certificate is written (a node without certificates has none), and removed
 * when the node closes.
 */
public final class CertificateFolder implements AutoCloseable {

    /** Made on first use; null until then. */
    private Path dir;

    private CertificateFolder() {
    }

    private boolean closed;

    /** A private folder for this process, made when it is first needed. */
    public static CertificateFolder create() {
        return new CertificateFolder();
    }

    /** The folder, or null while no certificate has been written. */
    public synchronized Path dir() {
        return dir;
    }

    private Path folder() {
        if (closed) {
            // A configuration built while the process stops (a follower's last apply) must not
            // put keys back on the disk after close() removed them.
            throw new IllegalStateException("certificates: the folder is closed; the process is stopping");
        }
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("pier-certificates",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (IOException e) {
                throw new UncheckedIOException("certificates: cannot make a folder for the edge's copies", e);
            }
        }
        return dir;
    }

    /** The files of a stored certificate, written when they are not there yet. */
    synchronized CertificateFiles files(StoredCertificate c) {
        Path dir = folder();
        String name = sha256(c.certificatePem() + "\n" + c.privateKeyPem());
        Path certificate = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + ".key");
        if (!Files.exists(key)) {
            write(certificate, c.certificatePem());
            write(key, c.privateKeyPem());
        }
        return new CertificateFiles(certificate, key);
    }

    /** Written beside and moved in, so the edge never reads half a file. */
    private static void write(Path file, String content) {
        Path partial = null;
        try {
            partial = Files.createTempFile(file.getParent(), "partial", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(partial, content, StandardCharsets.UTF_8);
            try {
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
            }
            partial = null;
        } catch (IOException e) {
            throw new UncheckedIOException("certificates: cannot write " + file, e);
        } finally {
            if (partial != null) {
                partial.toFile().delete();
            }
        }
    }

    /**
     * Deletes every file but these: a deleted certificate's key does not stay on disk. Called
     * once a configuration is built, before the edge applies it; the edge reads its certificates
     * as it applies a configuration and keeps them in memory, so no file it needs goes away.
     */
    synchronized void keepOnly(Collection<CertificateFiles> used) {
        if (dir == null) {
            return;
        }
        Set<Path> keep = new HashSet<>();
        used.forEach(f -> {
            keep.add(f.certificate());
            keep.add(f.key());
        });
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> !keep.contains(f)).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // tried again after the next change
        }
    }

    private static String sha256(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary folder left behind holds nothing the store does not
        }
    }
}
