package dev.pier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process started under {@code nohup} has SIGHUP ignored, and the JVM then leaves it ignored
 * without a word: {@code pier serve} says so at start, since {@code kill -HUP} will not reload.
 */
class NohupProcessTest {

    static final String WARNING = "SIGHUP is ignored in this process (started under nohup?)";

    Path config(Path dir) throws Exception {
        return Files.writeString(dir.resolve("pier.yaml"), """
                listeners:
                  - address: 127.0.0.1:0
                request_log: "-"
                zones: []
                """);
    }

    @Test
    void aProcessStartedWithSighupIgnoredWarnsAtStart(@TempDir Path dir) throws Exception {
        Path config = config(dir);
        Process pier = PierProcesses.startWithSighupIgnored(dir, "nohup", "serve", "--config", config.toString());
        try {
            TakeoverProcessTest.awaitLine(dir.resolve("nohup.err"), WARNING, Duration.ofSeconds(120));
            assertThat(Files.readString(dir.resolve("nohup.err"))).contains("changes to the file are still applied");
        } finally {
            pier.destroy();
            pier.waitFor();
        }
    }

    @Test
    void aProcessStartedNormallyDoesNot(@TempDir Path dir) throws Exception {
        Path config = config(dir);
        Process pier = PierProcesses.start(dir, "normal", "serve", "--config", config.toString());
        try {
            // the pid file is written once the SIGHUP handler is in place
            TakeoverProcessTest.awaitPidFile(Path.of(config + ".pid"), pier.pid());
            assertThat(Files.readString(dir.resolve("normal.err"))).contains("Listening on").doesNotContain(WARNING);
        } finally {
            pier.destroy();
            pier.waitFor();
        }
    }
}
