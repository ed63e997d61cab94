package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A pinned npm project the tests run (its package.json and package-lock.json in
 * {@code src/test/node/NAME}), installed with {@code npm ci} into {@code target/NAME} once per
 * build, and the commands run with it, each under a time limit. The module's tests run in
 * several JVMs at once: a lock file next to the project lets one of them install it while the
 * others wait for it.
 */
final class NodeProject {

    private final Path dir;

    private NodeProject(Path dir) {
        this.dir = dir;
    }

    /**
     * The project {@code name}, installed from its lock file unless {@code node_modules/PACKAGE} is
     * already there (the lock file is copied anyway: a changed pin shows in the next clean build).
     */
    static NodeProject install(String name, String installedPackage, int seconds) throws Exception {
        Path dir = Path.of("target", name);
        Files.createDirectories(dir);
        try (FileChannel lockFile = FileChannel.open(Path.of("target", name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock installing = lockFile.lock()) {
            try (Stream<Path> files = Files.list(Path.of("src", "test", "node", name))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (!Files.exists(dir.resolve("node_modules").resolve(installedPackage).resolve("package.json"))) {
                run(new ProcessBuilder("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund").directory(dir.toFile()), seconds);
            }
        }
        return new NodeProject(dir);
    }

    /** A file of the installed project, as an absolute path (for commands run in another folder). */
    String file(String relative) {
        return dir.resolve(relative).toAbsolutePath().toString();
    }

    /** A command to run in the project's folder. */
    ProcessBuilder command(String... command) {
        return new ProcessBuilder(command).directory(dir.toFile());
    }

    /**
     * Runs {@code command} and returns its standard output (with its errors, when it redirects
     * them there); the output goes to files, so the time limit holds whatever the command does.
     * A command that fails or takes longer than {@code seconds} fails the test with its output.
     */
    static String run(ProcessBuilder command, int seconds) throws Exception {
        Path out = Files.createTempFile("pier-node", ".out");
        Path err = Files.createTempFile("pier-node", ".err");
        try {
            Process p = command.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean ended = p.waitFor(seconds, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly().waitFor();
            }
            String stdout = Files.readString(out);
            assertThat(ended && p.exitValue() == 0).as("%s %s:%n%s%s", command.command(),
                    ended ? "failed" : "took more than " + seconds + " s", stdout, Files.readString(err)).isTrue();
            return stdout;
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }
}
