package dev.pier.workers.runtime.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer killed with SIGKILL in the middle of its writes loses none it had acknowledged: each
 * round starts a {@link CrashWriter}, kills it once it has acknowledged some writes, and the next
 * round (and at the end the test) opens the store again. On PostgreSQL the database server lives
 * on, so this shows that an acknowledged commit is the server's, not that the server survives a crash.
 */
class StorageCrashTest {

    private static final int ROUNDS = 3;
    private static final int ACKS_BEFORE_KILL = 150;

    @TempDir
    Path data;

    @Test
    void sqliteLosesNoAcknowledgedWrite() throws Exception {
        survivesKills(() -> ObjectStore.sqlite(data), "sqlite", data.toString());
    }

    @Test
    void postgresLosesNoAcknowledgedWrite() throws Exception {
        String schema = TestPostgres.newSchema();
        try {
            survivesKills(() -> TestPostgres.open(schema), "postgres", schema);
        } finally {
            TestPostgres.drop(schema);
        }
    }

    private static void survivesKills(Supplier<ObjectStore> reopen, String... writerArgs) throws Exception {
        long acknowledged = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long last = killMidWrites(writerArgs);
            assertThat(last).as("the writer went on from the last write of the round before").isGreaterThan(acknowledged);
            acknowledged = last;
            try (ObjectStore store = reopen.get()) {
                assertEveryWriteUpTo(store.open("Crash", "writer"), acknowledged);
            }
        }
    }

    /** @return the last sequence number the writer acknowledged before it was killed */
    private static long killMidWrites(String... writerArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName()));
        command.addAll(List.of(writerArgs));
        Process writer = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long last = 0;
        int acks = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                last = Long.parseLong(line.strip());
                if (++acks == ACKS_BEFORE_KILL) {
                    assertThat(writer.isAlive()).isTrue();
                    // SIGKILL: no shutdown hook, no close, in the middle of a write; through the handle,
                    // because Process.destroyForcibly() also closes the pipe that still holds acknowledgements
                    writer.toHandle().destroyForcibly();
                }
            }
            // lines already in the pipe are writes the writer acknowledged before it died
        } finally {
            writer.destroyForcibly();
        }
        assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(acks).as("the writer acknowledged writes before it was killed").isGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
        assertThat(writer.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        return last;
    }

    private static void assertEveryWriteUpTo(ObjectStorage storage, long acknowledged) {
        List<String> keys = LongStream.rangeClosed(1, acknowledged).mapToObj(CrashWriter::key).toList();
        for (int from = 0; from < keys.size(); from += StorageLimits.MAX_KEYS_PER_CALL) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + StorageLimits.MAX_KEYS_PER_CALL));
            Map<String, byte[]> found = storage.get(chunk);
            assertThat(found.keySet()).containsExactlyElementsOf(chunk);
            found.forEach((key, value) -> assertThat(value).isEqualTo(CrashWriter.value(Long.parseLong(key.substring(4)))));
        }
        long last = Long.parseLong(new String(storage.get("last"), UTF_8));
        assertThat(last).isGreaterThanOrEqualTo(acknowledged);
        assertThat(storage.alarm()).isEqualTo(OptionalLong.of(last));
        assertThat(storage.exec("SELECT count(*) AS n, max(seq) AS m FROM acks WHERE seq <= ?", acknowledged).one())
                .isEqualTo(Map.of("n", acknowledged, "m", acknowledged));
    }
}
