package dev.pier.analytics.store;

import dev.pier.analytics.RequestLog;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.TreeMap;

/**
 * Batches of records on local disk, in the order they were written, each in a file of its own
 * ({@code 00000000000000000042.batch}). A batch is written to a temporary file, forced to the disk
 * and renamed into place, so a file that is there is whole; it is removed only once its records
 * are committed to the store. Used by one thread.
 */
final class Spool {

    private static final String SUFFIX = ".batch";
    private final Path directory;
    private final TreeMap<Long, Path> batches = new TreeMap<>();
    private long bytes;
    private long next;

    Spool(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.delete(file); // a batch whose write a crash interrupted: it was never acknowledged
                } else if (name.endsWith(SUFFIX)) {
                    long sequence = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
                    batches.put(sequence, file);
                    bytes += Files.size(file);
                }
            }
        }
        next = batches.isEmpty() ? 1 : batches.lastKey() + 1;
    }

    /** Writes a batch after every other; when this returns, it is on the disk. */
    void append(List<RequestLog> batch) throws IOException {
        byte[] encoded = SpoolCodec.encode(batch);
        long sequence = next++;
        Path file = directory.resolve(String.format("%020d", sequence) + SUFFIX);
        Path temporary = directory.resolve(file.getFileName() + ".tmp");
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
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory();
        batches.put(sequence, file);
        bytes += encoded.length;
    }

    /** The oldest batch's file, or null when the spool is empty. */
    Path oldest() {
        return batches.isEmpty() ? null : batches.firstEntry().getValue();
    }

    /** The files of the oldest batches, oldest first, at most {@code n}. */
    List<Path> oldest(int n) {
        return batches.values().stream().limit(n).toList();
    }

    List<RequestLog> read(Path batch) throws IOException {
        return SpoolCodec.decode(Files.readAllBytes(batch));
    }

    /** Removes a batch whose records the store committed. */
    void remove(Path batch) throws IOException {
        long size = Files.size(batch);
        Files.delete(batch);
        batches.values().remove(batch);
        bytes -= size;
    }

    /** Sets a batch that cannot be read aside ({@code .bad}), for a person to look at; it is no longer sent. */
    void setAside(Path batch) throws IOException {
        long size = Files.size(batch);
        Files.move(batch, batch.resolveSibling(batch.getFileName() + ".bad"));
        batches.values().remove(batch);
        bytes -= size;
    }

    int batches() {
        return batches.size();
    }

    long bytes() {
        return bytes;
    }

    Path directory() {
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
