package dev.pier.cli;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        return start(dir, name, command(jvmOptions, args));
    }

    /** The same, with more environment variables for it (e.g. {@code PIER_LOGPUSH_CA_FILE}). */
    public static Process start(Path dir, String name, Map<String, String> environment, String... args) throws IOException {
        ProcessBuilder builder = builder(dir, name, command(List.of(), args));
        builder.environment().putAll(environment);
        return builder.start();
    }

    /**
     * {@code pier ARGS…} started as {@code nohup} would start it: with SIGHUP ignored, which the
     * process inherits (a shell's {@code trap '' HUP} before {@code exec}).
     */
    public static Process startWithSighupIgnored(Path dir, String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "trap '' HUP; exec \"$@\"", "sh"));
        command.addAll(command(List.of(), args));
        return start(dir, name, command);
    }

    private static List<String> command(List<String> jvmOptions, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.pier.cli.PierCommand"));
        command.addAll(List.of(args));
        return command;
    }

    private static Process start(Path dir, String name, List<String> command) throws IOException {
        return builder(dir, name, command).start();
    }

    private static ProcessBuilder builder(Path dir, String name, List<String> command) {
        return new ProcessBuilder(command)
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile());
    }

    /**
     * The port a process started with {@code :0} in its file got, read from its log line
     * {@code WHAT /HOST:PORT} ("Listening on", "Admin listener on"); waits up to 120 s for it (a JVM starts slowly on a busy machine).
     * Better than finding a free port and handing it over: nothing can take it in between.
     */
    public static int loggedPort(Path dir, String name, String what) throws IOException, InterruptedException {
        Pattern line = Pattern.compile(Pattern.quote(what) + " /[^\\s]*:(\\d+)");
        Path log = dir.resolve(name + ".err");
        for (int i = 0; i < 1200; i++) {
            Matcher found = line.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (found.find()) {
                return Integer.parseInt(found.group(1));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no line '" + what + " …' in " + log);
    }

    public static void awaitListening(int port) throws InterruptedException {
        for (int i = 0; i < 1200; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("nothing listens on " + port);
    }
}
