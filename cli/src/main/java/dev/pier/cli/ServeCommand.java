package dev.pier.cli;

import dev.pier.config.ConfigLoader;
import dev.pier.config.PierConfig;
import dev.pier.edge.Edge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pier serve --config FILE}: runs the edge from a YAML file and reloads it on change or SIGHUP. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the edge from a YAML configuration file (reloaded on change and on SIGHUP).")
final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The configuration file; see docs/CONFIGURATION.md and examples/pier.yaml.")
    Path config;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("config: " + config + " (expected: an existing YAML file)");
        }
        PierConfig initial = ConfigLoader.load(config);
        return runUntilStopped(initial, config);
    }

    /** Starts the edge, reloads it while the file changes, and stops it on SIGTERM or Ctrl+C. */
    static int runUntilStopped(PierConfig initial, Path configFile) throws Exception {
        Edge edge = Edge.start(initial);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            edge.close();
            stopped.countDown();
        }, "pier-shutdown"));
        try (ConfigWatcher ignored = new ConfigWatcher(configFile, edge::reload)) {
            stopped.await();
        }
        return 0;
    }
}
