package dev.pier.control.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder that only its owner can enter (mode 0700), with files only their owner can read
 * (0600): where the embedded store, its lock file (which holds the address and key of the server
 * H2 runs for other processes) and its key live. A process's umask cannot be changed from the
 * JVM, and H2 creates its files with the umask's mode (0644 under the usual 022), so the folder
 * is made private before H2 opens it, which leaves those files out of other users' reach
 * whatever their mode, and their modes are then set too. On a file system without POSIX
 * permissions nothing is changed.
 */
public final class PrivateDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(PrivateDirectory.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateDirectory() {
    }

    /**
     * Makes {@code dir} (and its missing parents, with the usual modes) if it is not there, mode
     * 0700; tightens it to 0700 and each entry in it to its owner's permissions alone if others
     * could reach them, and logs what it tightened.
     *
     * @return {@code dir}
     * @throws StoreException UNAVAILABLE when the folder cannot be made or its modes cannot be set
     *                        (it belongs to another user, say)
     */
    public static Path secure(Path dir) {
        return secure(dir, true);
    }

    /**
     * As {@link #secure(Path)}, with nothing logged for entries that were made private: for the
     * files a process has just made in a folder it secured already (H2's as it opens, the
     * demo's configuration and request log), whose modes came from the umask.
     */
    public static Path secureNewFiles(Path dir) {
        return secure(dir, false);
    }

    private static Path secure(Path dir, boolean report) {
        if (!posix(dir)) {
            return dir;
        }
        try {
            if (!Files.isDirectory(dir)) {
                create(dir);
            }
            Set<PosixFilePermission> before = Files.getPosixFilePermissions(dir);
            if (before.stream().anyMatch(OTHERS::contains)) {
                Files.setPosixFilePermissions(dir, OWNER_ONLY_DIRECTORY);
                LOG.warn("{} was {}, open to other users; it holds the store and its keys, so it is now {} (owner only)",
                        dir.toAbsolutePath(), PosixFilePermissions.toString(before), PosixFilePermissions.toString(OWNER_ONLY_DIRECTORY));
            }
            List<String> tightened = new ArrayList<>();
            try (Stream<Path> entries = Files.list(dir)) {
                for (Path entry : entries.toList()) {
                    if (ownerOnly(entry)) {
                        tightened.add(entry.getFileName().toString());
                    }
                }
            }
            if (report && !tightened.isEmpty()) {
                LOG.warn("{}: {} could be read by other users; they are now readable by their owner only", dir.toAbsolutePath(),
                        String.join(", ", tightened));
            }
            return dir;
        } catch (IOException | SecurityException e) {
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "store: cannot make " + dir.toAbsolutePath()
                    + " readable by its owner only (" + e + "); it would hold the store and its keys", e);
        }
    }

    private static void create(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (absolute.getParent() != null) {
            Files.createDirectories(absolute.getParent());
        }
        try {
            // the mode is given at creation, so there is no moment in which others could enter it
            // (the umask can only take bits away from 0700)
            Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        } catch (FileAlreadyExistsException e) {
            // made at the same moment by another process; its mode is checked next
        }
    }

    /** Takes the group's and others' permissions off an entry (not following links); true if it had some. */
    private static boolean ownerOnly(Path entry) throws IOException {
        if (Files.isSymbolicLink(entry)) {
            return false; // a link's own mode means nothing; what it points to is not this folder's
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS);
            if (permissions.stream().noneMatch(OTHERS::contains)) {
                return false;
            }
            Set<PosixFilePermission> owner = EnumSet.noneOf(PosixFilePermission.class);
            permissions.stream().filter(p -> !OTHERS.contains(p)).forEach(owner::add);
            Files.setPosixFilePermissions(entry, owner);
            return true;
        } catch (NoSuchFileException e) {
            return false; // a file H2 removed meanwhile (a temporary one)
        }
    }

    private static boolean posix(Path dir) {
        return dir.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
