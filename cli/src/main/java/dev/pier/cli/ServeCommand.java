package dev.pier.cli;

import dev.pier.config.ConfigLoader;
import dev.pier.config.PierConfig;
import dev.pier.cli.control.ControlPlane;
import dev.pier.edge.Edge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code pier serve --config FILE}: runs the edge from a YAML file, reloads it on change or
 * SIGHUP, shuts down gracefully on SIGTERM, and hands over to a newer process without dropping
 * connections (see docs/OPERATIONS.md).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the edge from a YAML configuration file.",
                "Reloads it on change and on SIGHUP; SIGTERM shuts down gracefully (WebSockets get 1001).",
                "Starting a second `pier serve` with the same config takes over the ports: the running",
                "process stops accepting and drains its open connections, then exits."})
final class ServeCommand implements Callable<Integer> {

    private static final Logger logger = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The configuration file; see docs/CONFIGURATION.md and examples/pier.yaml.")
    Path config;

    @Option(names = "--pid-file", paramLabel = "FILE",
            description = "Where the running process's id is kept for hand-overs (default: the config file + .pid).")
    Path pidFile;

    @Option(names = "--store", paramLabel = "STORE",
            description = {"Take the zones from a store instead of the file, serve Cloudflare's API on the admin listener,",
                    "and apply every stored change within a second: embedded:DIR (an H2 database) or",
                    "jdbc:postgresql://HOST:PORT/DB?user=NAME (several edge nodes share one). The file keeps the",
                    "node's own settings (listeners, admin, timeouts, TLS, WAF); `pier import` puts its zones in the store."})
    String store;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("config: " + config + " (expected: an existing YAML file)");
        }
        PierConfig initial = ConfigLoader.load(config);
        if (store == null) {
            return runUntilStopped(initial, config, pidFile, null);
        }
        if (!initial.zones().isEmpty()) {
            logger.warn("{}: its zones are not served with --store, the store's are; `pier import --config {} --store ...` copies them in",
                    config, config);
        }
        try (ControlPlane control = ControlPlane.open(store)) {
            return runUntilStopped(initial, config, pidFile, control);
        }
    }

    /**
     * Starts the edge (beside a previous process, if one serves this config, which is then told
     * to drain), reloads it while the file changes, and stops on SIGTERM, Ctrl+C, or when a
     * successor takes over and the last connection has ended.
     */
    static int runUntilStopped(PierConfig fileConfig, Path configFile, Path pidFile, ControlPlane control) throws Exception {
        return runUntilStopped(fileConfig, configFile, pidFile, control, () -> { });
    }

    /** @param started runs once every listener is bound: what it prints is then true */
    static int runUntilStopped(PierConfig fileConfig, Path configFile, Path pidFile, ControlPlane control, Runnable started)
            throws Exception {
        Takeover takeover = new Takeover(pidFile != null ? pidFile : Path.of(configFile + ".pid"));
        var previous = takeover.previous();
        long change = control == null ? 0 : control.store().lastChange();
        Edge edge = control == null ? Edge.start(fileConfig)
                : Edge.start(control.config(fileConfig), null, control.routes());
        if (control != null) {
            control.follow(edge, change);
        }
        if (previous.isPresent()) {
            takeover.takeOverFrom(previous.get());
        }
        takeover.writeOwnPid();
        started.run();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            edge.shutdown();
            if (control != null) {
                control.close(); // here, not after: the JVM halts once the hooks are done (keys leave the disk)
            }
            takeover.removeIfOwn();
            stopped.countDown();
        }, "pier-shutdown"));
        Signal.handle(new Signal("USR1"), signal -> Thread.ofPlatform().name("pier-drain").start(() -> {
            logger.info("A new process took over the ports: draining (up to {})", edge.config().timeouts().upgradeDrain());
            edge.drain(edge.config().timeouts().upgradeDrain());
            logger.info("Drained: every connection has ended");
            stopped.countDown();
        }));
        java.util.function.Consumer<PierConfig> reload = control == null ? edge::reload : control::fileChanged;
        try (ConfigWatcher ignored = new ConfigWatcher(configFile, reload)) {
            stopped.await();
        }
        return 0;
    }
}
