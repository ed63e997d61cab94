package dev.pier.analytics.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.analytics.RequestLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several processes spooling under one directory, played in one JVM by spools with process ids of
 * their own and a set of the ids that "run": each writes only its own folder, what a process that
 * stopped left is adopted by exactly one other, sent first (oldest first) and under a name no other
 * batch has; and a spool folder shared all the same never loses a batch to another's file.
 */
class ProcessSpoolTest {

    private static final Instant START = Instant.parse("2026-12-01T00:00:00Z");

    @TempDir
    Path root;

    private final Set<Long> running = ConcurrentHashMap.newKeySet();

    @Test
    void eachProcessWritesItsOwnFolderAndWhatAStoppedOneLeftIsSentFirstByOneOtherOnly() throws Exception {
        ProcessSpool first = spool(11);
        ProcessSpool second = spool(12);
        first.append(records("a", 0, 3));
        first.append(records("a", 3, 6));
        second.append(records("b", 0, 3));
        assertThat(folders()).containsExactly("11", "12");
        assertThat(first.batches()).isEqualTo(2);
        assertThat(second.batches()).isEqualTo(1);

        running.remove(11L); // the first process exits with two batches unsent
        ProcessSpool third = spool(13);
        assertThat(folders()).containsExactly("12", "13", "13.11");
        assertThat(third.batches()).isEqualTo(2);
        second.adoptOrphans(); // a second look at the same time finds it claimed
        assertThat(second.batches()).isEqualTo(1);

        third.append(records("c", 0, 3));
        assertThat(third.batches()).isEqualTo(3);
        assertThat(third.bytes()).isEqualTo(sizes("13.11") + sizes("13"));
        List<String> sent = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Path batch = third.oldest(); batch != null; batch = third.oldest()) {
            third.read(batch).forEach(r -> sent.add(r.rayId()));
            ids.add(third.batchId(batch));
            third.remove(batch);
        }
        assertThat(sent).containsExactly("a0", "a1", "a2", "a3", "a4", "a5", "c0", "c1", "c2");
        assertThat(ids).containsExactly("11-1", "11-2", "13-1");
        assertThat(folders()).containsExactly("12", "13");
        assertThat(third.batches()).isZero();
        assertThat(third.bytes()).isZero();
    }

    @Test
    void aFolderWhoseAdopterStoppedIsAdoptedAgainUnderItsWritersName() throws Exception {
        spool(21).append(records("a", 0, 2));
        running.remove(21L);
        ProcessSpool adopter = spool(22);
        ProcessSpool next = spool(23);
        assertThat(folders()).containsExactly("22", "22.21", "23");
        assertThat(next.batches()).isZero();

        running.remove(22L); // the adopter exits before sending it
        next.adoptOrphans();
        assertThat(folders()).containsExactly("23", "23.21");
        Path batch = next.oldest();
        assertThat(next.batchId(batch)).isEqualTo("21-1");
        assertThat(next.read(batch)).extracting(RequestLog::rayId).containsExactly("a0", "a1");
        assertThat(adopter.directory()).doesNotExist();
    }

    @Test
    void orphansGoOldestBatchFirstAndALaterSpoolOfTheSameProcessTakesOnWhatAnEarlierOneHeld() throws Exception {
        spool(31).append(records("old", 0, 1));
        spool(32).append(records("older", 0, 1));
        setModified("31", Instant.now().minusSeconds(60));
        setModified("32", Instant.now().minusSeconds(120));
        running.remove(31L);
        running.remove(32L);
        ProcessSpool adopter = spool(33);
        adopter.append(records("own", 0, 1));
        assertThat(adopter.read(adopter.oldest())).extracting(RequestLog::rayId).containsExactly("older0");

        ProcessSpool again = spool(33); // the same process opens the directory anew (a job's runner restarts)
        List<String> sent = new ArrayList<>();
        for (Path batch = again.oldest(); batch != null; batch = again.oldest()) {
            again.read(batch).forEach(r -> sent.add(r.rayId()));
            again.remove(batch);
        }
        assertThat(sent).containsExactly("older0", "old0", "own0");
    }

    @Test
    void twoWritersOnOneFolderNeverReplaceEachOthersBatches() throws Exception {
        Path folder = root.resolve("shared");
        Spool one = new Spool(folder);
        Spool other = new Spool(folder); // both number from 1, as two processes on one folder did
        one.append(records("x", 0, 2));
        other.append(records("y", 0, 2));
        one.append(records("x", 2, 4));
        List<String> all = new ArrayList<>();
        Spool reader = new Spool(folder);
        for (Path batch = reader.oldest(); batch != null; batch = reader.oldest()) {
            reader.read(batch).forEach(r -> all.add(r.rayId()));
            reader.remove(batch);
        }
        assertThat(all).containsExactlyInAnyOrder("x0", "x1", "y0", "y1", "x2", "x3");
        try (Stream<Path> left = Files.list(folder)) {
            assertThat(left).isEmpty(); // no temporary file stays behind
        }
    }

    @Test
    void deletingKeepsTheFoldersOfRunningProcessesAndTheDirectoryWithThem() throws Exception {
        spool(41).append(records("a", 0, 1));
        spool(42).append(records("b", 0, 1));
        spool(43).append(records("c", 0, 1));
        running.remove(43L);
        ProcessSpool.Processes me = processes(41);
        assertThat(ProcessSpool.delete(root, me)).isFalse();
        assertThat(folders()).containsExactly("42");

        running.remove(42L);
        assertThat(ProcessSpool.delete(root, me)).isTrue();
        assertThat(root).doesNotExist();
    }

    private ProcessSpool spool(long pid) throws Exception {
        running.add(pid);
        return new ProcessSpool(root, processes(pid));
    }

    private ProcessSpool.Processes processes(long pid) {
        return new ProcessSpool.Processes(pid, running::contains, Duration.ofMillis(50));
    }

    private List<String> folders() throws Exception {
        try (Stream<Path> folders = Files.list(root)) {
            return folders.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private long sizes(String folder) throws Exception {
        try (Stream<Path> files = Files.list(root.resolve(folder))) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private void setModified(String folder, Instant at) throws Exception {
        try (Stream<Path> files = Files.list(root.resolve(folder))) {
            for (Path f : files.toList()) {
                Files.setLastModifiedTime(f, FileTime.from(at));
            }
        }
    }

    private static List<RequestLog> records(String prefix, int from, int to) {
        List<RequestLog> list = new ArrayList<>();
        for (int i = from; i < to; i++) {
            list.add(RequestLog.builder().rayId(prefix + i).zoneName("example.com").clientIp("203.0.113.1").clientRequestHost("h")
                    .clientRequestMethod("GET").clientRequestUri("/").clientRequestProtocol("HTTP/1.1").edgeStartTimestamp(START)
                    .edgeResponseStatus(200).finish(START.plusMillis(1)));
        }
        return list;
    }
}
