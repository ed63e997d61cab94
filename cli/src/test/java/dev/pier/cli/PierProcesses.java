package dev.pier.cli;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Real {@code pier} processes for tests, on this JVM's class path, with their output in {@code dir}. */
public final class PierProcesses {

    private PierProcesses() {
    }

    /** Starts {@code pier ARGS…}; its standard output and error go to {@code dir/NAME.out} and {@code .err}. */
    public static Process start(Path dir, String name, String... args) throws IOException {
        return start(dir, name, List.of(), args);
    }

    /** The same, with options for its JVM ({@code -Dkey=value}). */
    public static Process start(Path dir, String name, List<String> jvmOptions, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.pier.cli.PierCommand"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
    }

    public static void awaitListening(int port) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("nothing listens on " + port);
    }
}
