package dev.pier.analytics.store;

import dev.pier.analytics.RequestLog;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A spool that several processes may keep under one directory at once (a process handing over to
 * a newer one, both running for a while) without sharing a file: this process writes only to
 * {@code ROOT/PID}, its own {@link Spool}. Folders that processes no longer running left
 * ("orphans") are adopted when it opens and at most every {@link Processes#orphanScan()} after
 * ({@link #adoptOrphansIfDue}), and their batches come first, the orphan whose oldest batch is
 * oldest first. An orphan is claimed by renaming it to {@code ROOT/PID.ORIGIN} (ORIGIN: the process
 * that wrote it), one atomic rename, so two processes that find it at once never both send it; a
 * claimed folder whose adopter is gone is an orphan again. An emptied orphan's folder is removed.
 *
 * <p>Used by one thread, except {@link #batches()} and {@link #bytes()}, which any thread may read.
 * One ProcessSpool per directory in a process at a time: a later one in the same process takes
 * over what an earlier one left (its own folder and what it had adopted).
 */
public final class ProcessSpool {

    /** A folder's name: the id of the process that holds it, then, for an adopted one, the id of the process that wrote it. */
    private static final Pattern FOLDER = Pattern.compile("([0-9]{1,18})(?:\\.([0-9]{1,18}))?");

    /**
     * Which process this is and how to tell whether another still runs.
     *
     * @param self       this process's id: its folder's name
     * @param running    whether the process with this id runs (its folders are its own while it does)
     * @param orphanScan how often the directory is looked at again for orphans
     */
    public record Processes(long self, LongPredicate running, Duration orphanScan) {

        /** This JVM's process, the operating system's view of the others, a look every minute. */
        public static Processes current() {
            return new Processes(ProcessHandle.current().pid(),
                    pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), Duration.ofMinutes(1));
        }
    }

    private final Path root;
    private final Processes processes;
    private final Spool own;
    /** Adopted spools, sent before this process's own, in the order their batches are to go. */
    private final List<Spool> orphans = new ArrayList<>();
    private long lastScan;
    private volatile int batches;
    private volatile long bytes;

    /** This process's spool under {@code root}, as {@link Processes#current()} sees processes. */
    public ProcessSpool(Path root) throws IOException {
        this(root, Processes.current());
    }

    public ProcessSpool(Path root, Processes processes) throws IOException {
        this.root = root;
        this.processes = processes;
        this.own = new Spool(root.resolve(Long.toString(processes.self())));
        adoptOrphans();
        count();
    }

    /** Writes a batch to this process's folder; when this returns, it is on the disk. */
    public void append(List<RequestLog> batch) throws IOException {
        own.append(batch);
        count();
    }

    /** The batch to send next: the oldest of the first orphan that holds any, else this process's oldest; null when none waits. */
    public Path oldest() {
        while (!orphans.isEmpty() && orphans.getFirst().batches() == 0) {
            removeFolder(orphans.removeFirst().directory());
        }
        return orphans.isEmpty() ? own.oldest() : orphans.getFirst().oldest();
    }

    /** Whether batches that processes no longer running left wait to be sent. */
    public boolean holdsOrphans() {
        return orphans.stream().anyMatch(orphan -> orphan.batches() > 0);
    }

    /**
     * The batches to send next, oldest first, at most {@code n}, all from one folder: the first
     * orphan that holds any, else this process's own; empty when none waits.
     */
    public List<Path> oldest(int n) {
        Path first = oldest();
        if (first == null) {
            return List.of();
        }
        return (orphans.isEmpty() ? own : orphans.getFirst()).oldest(n);
    }

    public List<RequestLog> read(Path batch) throws IOException {
        return own.read(batch);
    }

    /** Removes a batch whose records were acknowledged. */
    public void remove(Path batch) throws IOException {
        holder(batch).remove(batch);
        count();
    }

    /** Sets a batch that cannot be read aside ({@code .bad}), for a person to look at; it is no longer sent. */
    public void setAside(Path batch) throws IOException {
        holder(batch).setAside(batch);
        count();
    }

    /**
     * A name for the batch that no other batch under the directory has had or will have while its
     * writer's id is not reused: {@code WRITER-SEQUENCE}, the same each time the batch is sent.
     */
    public String batchId(Path batch) {
        String folder = batch.getParent().getFileName().toString();
        String writer = folder.substring(folder.indexOf('.') + 1);
        return writer + "-" + Spool.sequence(batch);
    }

    /** Adopts the orphans that appeared since the last look, if {@link Processes#orphanScan()} has passed since; true when it looked. */
    public boolean adoptOrphansIfDue() throws IOException {
        if (System.currentTimeMillis() - lastScan < processes.orphanScan().toMillis()) {
            return false;
        }
        adoptOrphans();
        return true;
    }

    /** Takes on the folders under the directory that no running process holds (and those an earlier spool of this process held). */
    public void adoptOrphans() throws IOException {
        lastScan = System.currentTimeMillis();
        List<Path> known = new ArrayList<>();
        known.add(own.directory());
        orphans.forEach(o -> known.add(o.directory()));
        List<Spool> adopted = new ArrayList<>();
        for (Path folder : folders(root)) {
            Matcher name = FOLDER.matcher(folder.getFileName().toString());
            if (!name.matches() || known.contains(folder)) {
                continue;
            }
            long holder = Long.parseLong(name.group(1));
            Path mine = folder;
            if (holder != processes.self()) {
                if (processes.running().test(holder)) {
                    continue;
                }
                if (!holdsBatches(folder)) {
                    removeFolder(folder);
                    continue;
                }
                String writer = name.group(2) == null ? name.group(1) : name.group(2);
                mine = root.resolve(processes.self() + "." + writer);
                if (!claim(folder, mine)) {
                    continue;
                }
            }
            Spool spool = new Spool(mine);
            if (spool.batches() > 0) {
                adopted.add(spool);
            } else {
                removeFolder(mine);
            }
        }
        if (!adopted.isEmpty()) {
            orphans.addAll(adopted);
            // an orphan with batches being sent stays first; the rest go oldest batch first
            Spool sending = orphans.getFirst().batches() > 0 && !adopted.contains(orphans.getFirst()) ? orphans.removeFirst() : null;
            orphans.sort(Comparator.comparing(ProcessSpool::oldestTime));
            if (sending != null) {
                orphans.addFirst(sending);
            }
            count();
        }
    }

    /** Batches waiting, this process's and the adopted ones. */
    public int batches() {
        return batches;
    }

    /** Bytes of the batches waiting, this process's and the adopted ones. */
    public long bytes() {
        return bytes;
    }

    /** This process's folder. */
    public Path directory() {
        return own.directory();
    }

    /**
     * Removes the spool of something that is gone (a deleted Logpush job): the folders of this
     * process and of processes no longer running, then the directory itself unless a running
     * process still holds a folder in it (that process removes it when it deletes the same).
     *
     * @return true when the directory is gone
     */
    public static boolean delete(Path root, Processes processes) throws IOException {
        if (!Files.isDirectory(root)) {
            return true;
        }
        for (Path folder : folders(root)) {
            Matcher name = FOLDER.matcher(folder.getFileName().toString());
            long holder = name.matches() ? Long.parseLong(name.group(1)) : -1;
            if (holder == processes.self() || holder >= 0 && !processes.running().test(holder)) {
                deleteTree(folder);
            }
        }
        try {
            Files.deleteIfExists(root);
            return true;
        } catch (DirectoryNotEmptyException e) {
            return false;
        }
    }

    private Spool holder(Path batch) {
        Path folder = batch.getParent();
        for (Spool orphan : orphans) {
            if (orphan.directory().equals(folder)) {
                return orphan;
            }
        }
        return own;
    }

    private void count() {
        int n = own.batches();
        long size = own.bytes();
        for (Spool orphan : orphans) {
            n += orphan.batches();
            size += orphan.bytes();
        }
        batches = n;
        bytes = size;
    }

    private static List<Path> folders(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static boolean holdsBatches(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(Spool::isBatch);
        } catch (NoSuchFileException e) {
            return false; // another process claimed it meanwhile
        }
    }

    /** Renames an orphan to this process's name for it; false when another process claimed it first (or the name is taken). */
    private static boolean claim(Path orphan, Path mine) throws IOException {
        try {
            Files.move(orphan, mine, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (NoSuchFileException | FileAlreadyExistsException | DirectoryNotEmptyException e) {
            return false;
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("spool " + orphan + " cannot be renamed atomically (expected: a local file system)", e);
        }
    }

    private static FileTime oldestTime(Spool spool) {
        Path oldest = spool.oldest();
        try {
            return oldest == null ? FileTime.fromMillis(Long.MAX_VALUE) : Files.getLastModifiedTime(oldest);
        } catch (IOException e) {
            return FileTime.fromMillis(Long.MAX_VALUE);
        }
    }

    /** Removes an emptied folder; one that still holds batches set aside ({@code .bad}) stays for a person to look at. */
    private static void removeFolder(Path folder) {
        try {
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            // not empty (batches set aside) or not removable: it holds no batch to send, so it is passed over
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException e) {
            // gone meanwhile
        }
    }
}
