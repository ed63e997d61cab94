package dev.pier.analytics.store;

import dev.pier.analytics.RequestLog;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.TreeMap;

/**
 * Batches of records on local disk, in the order they were written, each in a file of its own
 * ({@code 00000000000000000042.batch}). A batch is written to a temporary file named for this
 * process ({@code ...batch.PID.tmp}), forced to the disk and then published under its name without
 * ever replacing a file (a hard link, then the temporary file goes): should the name be taken
 * (another writer on the folder), the batch takes the next sequence number. So a file that is
 * there is whole and no batch overwrites another; it is removed only once its records are
 * committed. Used by one thread; {@link ProcessSpool} keeps one folder per process.
 */
public final class Spool {

    private static final String SUFFIX = ".batch";
    private static final String TEMPORARY = ".tmp";
    private static final long PID = ProcessHandle.current().pid();
    private final Path directory;
    private final TreeMap<Long, Path> batches = new TreeMap<>();
    private long bytes;
    private long next;

    public Spool(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(TEMPORARY) && !writtenByAnother(name)) {
                    Files.deleteIfExists(file); // a batch whose write a crash interrupted: it was never acknowledged
                } else if (isBatch(file)) {
                    batches.put(sequence(file), file);
                    bytes += Files.size(file);
                }
            }
        }
        next = batches.isEmpty() ? 1 : batches.lastKey() + 1;
    }

    /** Writes a batch after every other; when this returns, it is on the disk. */
    public void append(List<RequestLog> batch) throws IOException {
        byte[] encoded = SpoolCodec.encode(batch);
        long sequence = next++;
        Path temporary = directory.resolve(String.format("%020d", sequence) + SUFFIX + "." + PID + TEMPORARY);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(encoded);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Path file;
        try {
            while (true) {
                file = directory.resolve(String.format("%020d", sequence) + SUFFIX);
                try {
                    publish(temporary, file);
                    break;
                } catch (FileAlreadyExistsException taken) {
                    sequence = next++;
                }
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        forceDirectory();
        batches.put(sequence, file);
        bytes += encoded.length;
    }

    /** Whether the file is a batch's (a whole one, not a temporary one or one set aside). */
    static boolean isBatch(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(SUFFIX) && name.length() > SUFFIX.length() && name.chars().limit(name.length() - SUFFIX.length())
                .allMatch(c -> c >= '0' && c <= '9');
    }

    /** A batch file's sequence number. */
    static long sequence(Path batch) {
        String name = batch.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    }

    /** Gives the written temporary file the batch's name, which must be free: a hard link where the file system has them. */
    private static void publish(Path temporary, Path file) throws IOException {
        try {
            Files.createLink(file, temporary);
        } catch (UnsupportedOperationException e) {
            Files.move(temporary, file); // no link here: a rename that refuses an existing name
        }
    }

    /** A temporary file of a process that still runs (its write may be under way); one without a process id is a crash's. */
    private static boolean writtenByAnother(String name) {
        String stem = name.substring(0, name.length() - TEMPORARY.length());
        String writer = stem.substring(stem.lastIndexOf('.') + 1);
        if (writer.isEmpty() || !writer.chars().allMatch(c -> c >= '0' && c <= '9') || writer.length() > 18) {
            return false;
        }
        long pid = Long.parseLong(writer);
        return pid != PID && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The oldest batch's file, or null when the spool is empty. */
    public Path oldest() {
        return batches.isEmpty() ? null : batches.firstEntry().getValue();
    }

    /** The files of the oldest batches, oldest first, at most {@code n}. */
    List<Path> oldest(int n) {
        return batches.values().stream().limit(n).toList();
    }

    public List<RequestLog> read(Path batch) throws IOException {
        return SpoolCodec.decode(Files.readAllBytes(batch));
    }

    /** Removes a batch whose records the store committed. */
    public void remove(Path batch) throws IOException {
        long size = Files.size(batch);
        Files.delete(batch);
        batches.values().remove(batch);
        bytes -= size;
    }

    /** Sets a batch that cannot be read aside ({@code .bad}), for a person to look at; it is no longer sent. */
    public void setAside(Path batch) throws IOException {
        long size = Files.size(batch);
        Files.move(batch, batch.resolveSibling(batch.getFileName() + ".bad"));
        batches.values().remove(batch);
        bytes -= size;
    }

    public int batches() {
        return batches.size();
    }

    public long bytes() {
        return bytes;
    }

    public Path directory() {
        return directory;
    }

    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some file systems cannot open a directory to force it; the rename is then as durable as they make it
        }
    }
}
