package dev.pier.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hand-over between two Pier processes serving one configuration. The running process's
 * id is in a pid file; a new process binds the same ports (SO_REUSEPORT), then sends the old
 * one SIGUSR1, on which it stops accepting and drains. The pid file then names the new process.
 */
final class Takeover {

    private static final Logger logger = LoggerFactory.getLogger(Takeover.class);

    private final Path pidFile;

    Takeover(Path pidFile) {
        this.pidFile = pidFile.toAbsolutePath();
    }

    /** The Pier process named in the pid file, if it is still running. */
    Optional<ProcessHandle> previous() {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.pid() != ProcessHandle.current().pid())
                    .filter(p -> p.info().commandLine().map(c -> c.contains("pier")).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Tells the previous process to drain; this process already listens beside it. */
    void takeOverFrom(ProcessHandle old) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-USR1", Long.toString(old.pid())).inheritIO().start().waitFor();
        if (exit == 0) {
            logger.info("Took over from pid {}: it stops accepting and drains its open connections", old.pid());
        } else {
            logger.warn("Could not signal pid {} to drain (kill exited with {})", old.pid(), exit);
        }
    }

    void writeOwnPid() throws IOException {
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
    }

    /** Removes the pid file unless a successor has written its own id into it. */
    void removeIfOwn() {
        try {
            if (Files.readString(pidFile).trim().equals(Long.toString(ProcessHandle.current().pid()))) {
                Files.delete(pidFile);
            }
        } catch (IOException e) {
            // gone already
        }
    }
}
