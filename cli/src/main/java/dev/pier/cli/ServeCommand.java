package dev.pier.cli;

import dev.pier.config.ConfigLoader;
import dev.pier.config.PierConfig;
import dev.pier.cli.control.ControlPlane;
import dev.pier.edge.Edge;
import dev.pier.edge.ScriptDeployer;
import dev.pier.workers.runtime.WorkerRuntime;
import dev.pier.edge.transport.PortReservation;
import dev.pier.logpush.LogpushNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
    /** Where a node's Logpush jobs spool their batches, beside its configuration file (one folder per job). */
    static final String LOGPUSH_SPOOL = "logpush-spool";

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
        ConfigWatcher watcher = new ConfigWatcher(config, true); // before the first read: no change is missed
        try {
            PierConfig initial = ConfigLoader.load(config);
            Takeover takeover = new Takeover(pidFile != null ? pidFile : Path.of(config + ".pid"));
            // The ports first, then the store: a port this process cannot have stops it before it opens (or migrates) a store.
            try (PortReservation ports = PortReservation.hold(Edge.addresses(initial))) {
                if (store == null) {
                    return runUntilStopped(initial, config, watcher, takeover, ports, null, Sidecar.NONE, () -> { });
                }
                if (!initial.zones().isEmpty()) {
                    logger.warn("{}: its zones are not served with --store, the store's are; `pier import --config {} --store ...` copies them in",
                            config, config);
                }
                try (ControlPlane control = ControlPlane.open(store)) {
                    return runUntilStopped(initial, config, watcher, takeover, ports, control, Sidecar.NONE, () -> { });
                }
            }
        } finally {
            watcher.close();
        }
    }

    /**
     * Starts the edge beside a previous process (if one serves this config), then tells that
     * one to drain; reloads while the file changes; stops on SIGTERM, Ctrl+C, or when a successor
     * takes over and the last connection has ended.
     *
     * <p>Everything that can fail is done before the edge listens: the ports are held
     * ({@code ports}), the store is open, the file is watched, the pid file is writable. A
     * process that fails never listened, so it took no connection, and never signalled the
     * previous process, which keeps serving.
     *
     * @param configFile the node's configuration file: its folder holds the Logpush spool ({@value #LOGPUSH_SPOOL})
     * @param ports   every fixed port of the edge (and of the sidecar), held until the edge is bound
     * @param control the store and its API, or null to serve the file's zones
     * @param sidecar what runs beside the edge; it is handed over and stopped after the edge
     * @param started runs once every listener is bound: what it prints is then true
     */
    static int runUntilStopped(PierConfig fileConfig, Path configFile, ConfigWatcher watcher, Takeover takeover, PortReservation ports,
            ControlPlane control, Sidecar sidecar, Runnable started) throws Exception {
        Optional<ProcessHandle> previous = takeover.previous();
        takeover.checkWritable();
        long change = control == null ? 0 : control.store().lastChange();
        // Workers from the node's own classpath (the examples), from their jars, or JavaScript modules, deployed before each
        // configuration applies
        WorkerRuntime runtime = new WorkerRuntime(ServeCommand.class.getClassLoader(), List.of(new JavaScriptLoader()));
        ScriptDeployer workers = new RuntimeDeployer(runtime);
        // records go to the request log and, with analytics on, to the analytics store (docs/ANALYTICS.md)
        NodeAnalytics analytics = NodeAnalytics.start(fileConfig.analytics());
        if (control != null) {
            control.api().analytics(analytics.store()); // POST /client/v4/graphql answers from it, or says analytics are off
        }
        LogpushNode jobs;
        try {
            // the store's Logpush jobs, fed by the edge's records (docs/LOGPUSH.md, "How jobs run on nodes")
            jobs = control == null ? null : control.runLogpush(configFile.toAbsolutePath().getParent().resolve(LOGPUSH_SPOOL), System.getenv());
        } catch (RuntimeException e) {
            analytics.close();
            throw e;
        }
        Edge edge;
        try {
            edge = control == null ? Edge.start(fileConfig, analytics.sink(), List.of(), null, workers)
                    : Edge.start(control.config(fileConfig), control.recordSink(analytics.sink()), control.routes(),
                            control.metricsReaders(), workers);
        } catch (RuntimeException e) {
            if (jobs != null) {
                jobs.close();
            }
            analytics.close();
            throw e;
        }
        runtime.onNamespace(objects -> edge.usage().register(registry -> objects.metrics().bindTo(registry, objects.name())));
        if (analytics.metrics() != null) {
            edge.usage().register(analytics.metrics());
        }
        var liveWebSockets = analytics.live(edge.usage()); // with a PostgreSQL store, published for the other nodes' APIs
        if (control != null) {
            control.api().liveWebSockets(liveWebSockets); // webSocketConnectionsLive reads them, analytics on or off
            edge.usage().register(control.logMetrics());
        }
        ports.close(); // the edge's own listeners hold them now
        if (control != null) {
            control.follow(edge, change);
        }
        watcher.start(control == null ? edge::reload : control::fileChanged);
        takeover.writeOwnPid();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            edge.stopAccepting();
            if (control != null) {
                control.close(); // before the JVM halts (keys leave the disk); nothing left needs the store
            }
            edge.shutdown();
            if (jobs != null) {
                jobs.close(); // after the edge: the records of its last connections are spooled for the next start
            }
            runtime.close(); // after the edge closed the objects' WebSockets: another node may run them at once
            analytics.close(); // after the edge: the records of its last connections are shipped or spooled
            sidecar.close(); // after the edge: its WebSockets got their 1001 from a live origin
            takeover.removeIfOwn();
            stopped.countDown();
        }, "pier-shutdown"));
        Signal.handle(new Signal("USR1"), signal -> Thread.ofPlatform().name("pier-drain").start(() -> {
            Duration limit = edge.config().timeouts().upgradeDrain();
            long deadline = System.nanoTime() + limit.toNanos();
            logger.info("A new process took over the ports: draining (up to {})", limit);
            edge.stopAccepting();
            sidecar.stopAccepting();
            if (control != null) {
                control.close(); // the successor has the store open already; this process writes nothing more
            }
            edge.drain(limit);
            if (jobs != null) {
                // after the drain: records of the connections that ended during it are in this process's own spool folder;
                // what it could not deliver, the successor adopts once this process has exited
                jobs.close();
            }
            runtime.close();
            if (!sidecar.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                logger.info("Closing what still runs beside the edge: the drain time is up");
            }
            sidecar.close();
            analytics.close(); // the store is free for the successor (a DuckDB file is one process's at a time)
            logger.info("Drained: every connection has ended");
            stopped.countDown();
        }));
        if (previous.isPresent()) {
            takeover.takeOverFrom(previous.get());
        }
        started.run();
        stopped.await();
        return 0;
    }
}
