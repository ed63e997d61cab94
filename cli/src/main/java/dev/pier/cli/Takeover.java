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
 * A new process that cannot start never signals the old one (docs/OPERATIONS.md).
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
                    .filter(p -> commandLine(p).contains("pier"));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * A process's whole command line: a pid the system gave to another program since must not
     * be signalled. Read from /proc, because the JDK's {@code ProcessHandle.Info} keeps only its
     * first 4,096 characters, which a long class path fills before the main class.
     */
    private static String commandLine(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return process.info().commandLine().orElse("");
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

    /**
     * Fails now if the pid file could not be written later: a process that found out only after
     * it had started listening would have to stop again, resetting what it had accepted.
     */
    void checkWritable() throws IOException {
        Files.delete(Files.createTempFile(pidFile.getParent(), ".pier-pid-check", ".tmp"));
    }

    /** Names this process in the pid file, replaced whole: a reader never sees half an id. */
    void writeOwnPid() throws IOException {
        Path next = Files.writeString(pidFile.resolveSibling(pidFile.getFileName() + "." + ProcessHandle.current().pid() + ".tmp"),
                ProcessHandle.current().pid() + "\n");
        Files.move(next, pidFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
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
