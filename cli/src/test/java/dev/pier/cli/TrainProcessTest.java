package dev.pier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pier train}, the AOT cache's training run: every kind of request it sends is served, and it exits. */
class TrainProcessTest {

    @Test
    void servesEveryKindOfRequestItSendsAndExits(@TempDir Path dir) throws Exception {
        Process pier = PierProcesses.start(dir, "train", "train", "--seconds", "3", "--clients", "2");
        assertThat(pier.waitFor(180, TimeUnit.SECONDS)).as("pier train exits by itself").isTrue();
        String out = Files.readString(dir.resolve("train.out"));
        assertThat(pier.exitValue()).as(out + Files.readString(dir.resolve("train.err"))).isZero();
        assertThat(out).containsPattern("pier train: [1-9][0-9]* requests and WebSocket echoes in 3 s \\(0 failed\\)");
    }

    @Test
    void refusesNoTime(@TempDir Path dir) throws Exception {
        Process pier = PierProcesses.start(dir, "train", "train", "--seconds", "0");
        assertThat(pier.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(pier.exitValue()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("train.err"))).contains("--seconds and --clients: at least 1 each");
    }
}
