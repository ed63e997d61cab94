package dev.pier.autobahn;

import dev.pier.cli.demo.EchoOrigin;
import dev.pier.config.ConfigLoader;
import dev.pier.edge.Edge;
import dev.pier.edge.ScriptDeployer;
import dev.pier.workers.runtime.WorkerRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.net.URLClassLoader;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The {@code mainClass} of the Autobahn plugin's executions: starts the servers the execution is
 * about to fuzz, then returns at once, leaving their (non-daemon) event loops running until
 * Maven exits. For the origin's or Pier's port, that is an echo origin and a Pier edge in front
 * of it (both at the first call; the second call finds them running); for the Worker port, a
 * Pier edge whose every request goes to the example echo Worker; for the object port, a Pier
 * edge whose every request goes to the example echo Durable Object, which hibernates; for the
 * two JavaScript ports, the same with the JavaScript echo Worker and echo Durable Object.
 *
 * <p>The plugin's fuzzer always connects to {@code InetAddress.getLocalHost().getHostAddress()}
 * (127.0.0.1 on most machines, 127.0.1.1 on some Debian set-ups, a LAN address elsewhere), so
 * both servers bind that address and Pier has a zone for it as well as for 127.0.0.1 and
 * localhost.
 */
public final class AutobahnServers {

    /** Where the echo origin listens; the "direct" run fuzzes this port. */
    public static final int ORIGIN_PORT = Integer.getInteger("autobahn.origin.port", 9011);
    /** Where Pier listens; the "pier" run fuzzes this port. */
    public static final int PIER_PORT = Integer.getInteger("autobahn.pier.port", 9012);

    /** Where the Pier that routes everything to the echo Worker listens; the "worker" run fuzzes this port. */
    public static final int WORKER_PORT = Integer.getInteger("autobahn.worker.port", 9013);

    /** Where the Pier that routes everything to the hibernating echo Durable Object listens; the "object" run fuzzes this port. */
    public static final int OBJECT_PORT = Integer.getInteger("autobahn.object.port", 9014);

    /** Where the Pier that routes everything to the JavaScript echo Worker listens; the "js-worker" run fuzzes this port. */
    public static final int JS_WORKER_PORT = Integer.getInteger("autobahn.js.worker.port", 9015);

    /** Where the Pier that routes everything to the hibernating JavaScript echo Durable Object listens; the "js-object" run fuzzes this port. */
    public static final int JS_OBJECT_PORT = Integer.getInteger("autobahn.js.object.port", 9016);

    /** The JavaScript echo Worker's folder in the repository: {@code worker.js} and the page it imports. */
    static final Path JS_ECHO = Path.of("examples", "workers-js", "echo");

    /** The JavaScript twin of the Java API's EchoRoomWorker and EchoRoom, in the repository: {@code worker.js}. */
    static final Path JS_ECHO_ROOM = Path.of("autobahn", "src", "main", "js", "echo-room");

    /**
     * How long the echo Durable Object stays in memory with no event: short enough that it is
     * evicted, its socket open, whenever a case pauses (between fragments, before a close), and
     * woken by the case's next message or close.
     */
    static final Duration HIBERNATE_AFTER = Duration.ofMillis(50);

    private AutobahnServers() {
    }

    /**
     * {@code args[0]} is the port the plugin is about to fuzz (9011 to 9016): the Worker's port
     * starts the Worker edge, the object's port the Durable Object edge, the JavaScript ports
     * their twins in JavaScript, any other the origin and Pier (both at the first call). Each plugin execution loads this class in a
     * class loader of its own, so "already started" is a system property, not a static field.
     */
    public static void main(String[] args) throws Exception {
        String port = args.length > 0 ? args[0] : "";
        String start = port.equals(Integer.toString(WORKER_PORT)) ? "startWorker"
                : port.equals(Integer.toString(OBJECT_PORT)) ? "startObject"
                : port.equals(Integer.toString(JS_WORKER_PORT)) ? "startJsWorker"
                : port.equals(Integer.toString(JS_OBJECT_PORT)) ? "startJsObject" : "start";
        String started = "dev.pier.autobahn." + start + ".done";
        synchronized (System.class) {
            if (System.getProperty(started) == null) {
                // Run the servers from a private copy of the project's jars: the fuzzing takes
                // minutes, and a build of the same tree meanwhile rewrites edge/target/*.jar
                // under an open class loader (seen: NoClassDefFoundError, "invalid LOC header").
                ClassLoader loader = Thread.currentThread().getContextClassLoader();
                ClassLoader isolated = loader instanceof URLClassLoader urls
                        ? PrivateClasspath.copy(urls, buildDirectory().resolve("classpath"))
                        : loader;
                Class.forName(AutobahnServers.class.getName(), true, isolated)
                        .getMethod(start, String.class)
                        .invoke(null, buildDirectory().toString());
                System.setProperty(started, "true");
            }
        }
        freshFuzzer();
    }

    /**
     * The plugin runs the fuzzer (Python, Twisted) in Jython inside the Maven JVM, and Twisted's
     * reactor cannot run twice ({@code ReactorNotRestartable}): a second execution in the same
     * build fails at once. Both executions share the plugin's Jython, so forgetting the fuzzer's
     * modules makes the next run import them afresh, with a new reactor. Reflection: Jython is
     * the plugin's, found through the class loader the plugin runs us in.
     */
    private static void freshFuzzer() {
        try {
            Class<?> interpreter = Class.forName("org.python.util.PythonInterpreter", true,
                    Thread.currentThread().getContextClassLoader());
            Object py = interpreter.getConstructor().newInstance();
            interpreter.getMethod("exec", String.class).invoke(py, """
                    import sys
                    for name in [m for m in list(sys.modules.keys())
                                 if m.split('.')[0] in ('twisted', 'autobahn', 'autobahntestsuite')]:
                        del sys.modules[name]
                    """);
        } catch (ClassNotFoundException e) {
            // Not started by the plugin (e.g. by hand): nothing to reset.
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("autobahn: could not reset the fuzzer's Python modules: " + e);
        }
    }

    /** Starts the origin and Pier (in the calling class loader); reports go under {@code build}. */
    public static void start(String build) throws Exception {
        String host = fuzzerHost();
        EchoOrigin.start(host, ORIGIN_PORT);
        System.out.println("autobahn: echo origin on " + host + ":" + ORIGIN_PORT);
        Path dir = Files.createDirectories(Path.of(build).resolve(AutobahnReports.REPORTS));
        Edge edge = Edge.start(ConfigLoader.parse(config(host), dir));
        // A fuzzing run with failed cases stops the build before the comparison step; the
        // comparison then still gets printed when Maven exits.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> AutobahnReports.compareIfUnfinished(dir),
                "autobahn-compare"));
        System.out.println("autobahn: Pier on " + edge.listenerAddress(0) + " -> " + host + ":" + ORIGIN_PORT
                + " (request log " + dir.resolve("pier-requests.ndjson") + ")");
    }

    /**
     * Starts a Pier whose every request runs the example echo Worker (in the calling class
     * loader), deployed as {@code pier serve} deploys Workers; reports go under {@code build}.
     */
    public static void startWorker(String build) throws Exception {
        startWorkerEdge(build, AutobahnVerdicts.WORKER, workerConfig(fuzzerHost()), runtime -> { });
    }

    /**
     * Starts a Pier whose every request runs the example echo Durable Object behind its Worker
     * (in the calling class loader), evicted after {@link #HIBERNATE_AFTER} without an event,
     * its storage under {@code build}; its namespace's figures are published for the verdicts
     * step ({@link HibernationFigures}).
     */
    public static void startObject(String build) throws Exception {
        startWorkerEdge(build, AutobahnVerdicts.OBJECT, objectConfig(fuzzerHost()),
                runtime -> runtime.onNamespace(HibernationFigures::publish));
    }

    /**
     * Starts a Pier whose every request runs the JavaScript example echo Worker
     * ({@code examples/workers-js/echo/worker.js}, in the calling class loader), deployed as
     * {@code pier serve} deploys a {@code main_module}; reports go under {@code build}. The script
     * runs from a copy of its folder beside the reports, taken now, as the classes are.
     */
    public static void startJsWorker(String build) throws Exception {
        Path dir = Files.createDirectories(Path.of(build).resolve(AutobahnReports.REPORTS));
        copyFolder(repository().resolve(JS_ECHO), dir.resolve("js-worker-script"));
        startWorkerEdge(build, AutobahnVerdicts.JS_WORKER, jsWorkerConfig(fuzzerHost()), runtime -> { });
    }

    /**
     * Starts a Pier whose every request runs the JavaScript echo Durable Object behind its Worker
     * ({@link #JS_ECHO_ROOM}, in the calling class loader), evicted after {@link #HIBERNATE_AFTER}
     * without an event, its storage under {@code build}; its namespace's figures are published for
     * the verdicts step. The script runs from a copy of its folder, as the JavaScript echo Worker.
     */
    public static void startJsObject(String build) throws Exception {
        Path dir = Files.createDirectories(Path.of(build).resolve(AutobahnReports.REPORTS));
        copyFolder(repository().resolve(JS_ECHO_ROOM), dir.resolve("js-object-script"));
        startWorkerEdge(build, AutobahnVerdicts.JS_OBJECT, jsObjectConfig(fuzzerHost()),
                runtime -> runtime.onNamespace(HibernationFigures::publish));
    }

    /**
     * An edge configured by {@code yaml} for {@code run}, its Workers deployed as {@code pier serve}
     * deploys them by a runtime that {@code observe} sees first.
     */
    private static void startWorkerEdge(String build, AutobahnVerdicts.Run run, String yaml, Consumer<WorkerRuntime> observe)
            throws Exception {
        Path dir = Files.createDirectories(Path.of(build).resolve(AutobahnReports.REPORTS));
        WorkerRuntime runtime = new WorkerRuntime(AutobahnServers.class.getClassLoader(), List.of(new dev.pier.cli.JavaScriptLoader()));
        observe.accept(runtime);
        ScriptDeployer workers = config -> runtime.deploy(config.workers(), config.durableObjects());
        Edge edge = Edge.start(ConfigLoader.parse(yaml, dir), null, List.of(), null, workers);
        // A run with failed cases stops the build before the verdicts step; they still get printed when Maven exits.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> AutobahnVerdicts.printIfUnfinished(dir, run),
                "autobahn-verdicts-" + run.name()));
        System.out.println("autobahn: Pier on " + edge.listenerAddress(0) + " -> " + run.label() + " (request log "
                + dir.resolve(run.name() + "-requests.ndjson") + ")");
    }

    /** The address the plugin's fuzzer connects to (its own fallback is 127.0.0.1). */
    static String fuzzerHost() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    /** Pier routing every request of each zone to the echo origin. */
    static String config(String host) {
        String route = """
                    rulesets:
                      - phase: http_request_origin
                        rules:
                          - { expression: 'http.host eq "%%1$s"', action: route, action_parameters: { origin: { port: %d } } }
                """.formatted(ORIGIN_PORT);
        return """
                listeners:
                  - address: %s:%d
                request_log: pier-requests.ndjson
                timeouts:
                  origin_connect: 5s
                  origin_response: 30s
                  close_grace: 5s
                zones:
                %s""".formatted(host, PIER_PORT, zones(host, route));
    }

    /** Pier routing every request of each zone to the example echo Worker. */
    static String workerConfig(String host) {
        return """
                listeners:
                  - address: %s:%d
                request_log: worker-requests.ndjson
                timeouts:
                  close_grace: 5s
                workers:
                  - name: echo
                    class: dev.pier.examples.workers.EchoWorker
                zones:
                %s""".formatted(host, WORKER_PORT, zones(host, workerRoute("echo")));
    }

    /**
     * Pier routing every request of each zone to the JavaScript echo Worker, whose folder was
     * copied to {@code js-worker-script} beside this configuration.
     */
    static String jsWorkerConfig(String host) {
        return """
                listeners:
                  - address: %s:%d
                request_log: js-worker-requests.ndjson
                timeouts:
                  close_grace: 5s
                workers:
                  - name: echo-js
                    main_module: js-worker-script/worker.js
                    compatibility_date: "2025-01-01"
                zones:
                %s""".formatted(host, JS_WORKER_PORT, zones(host, workerRoute("echo-js")));
    }

    /**
     * Pier routing every request of each zone to the example echo Durable Object (the fuzzer's
     * path is {@code /}, so every case reaches the one object named ""), its storage in
     * {@code durable-objects} beside the reports.
     */
    static String objectConfig(String host) {
        return """
                listeners:
                  - address: %s:%d
                request_log: object-requests.ndjson
                timeouts:
                  close_grace: 5s
                workers:
                  - name: echo-room
                    class: dev.pier.examples.workers.EchoRoomWorker
                    durable_objects:
                      - { binding: ECHO, class: dev.pier.examples.workers.EchoRoom }
                durable_objects:
                  storage: durable-objects
                  hibernate_after: %dms
                zones:
                %s""".formatted(host, OBJECT_PORT, HIBERNATE_AFTER.toMillis(), zones(host, workerRoute("echo-room")));
    }

    /** Every request of the zone named {@code %1$s} to the Worker {@code script}. */
    private static String workerRoute(String script) {
        return """
                    workers_routes:
                      - { pattern: "%%1$s/*", script: %s }
                """.formatted(script);
    }

    /**
     * A zone for the fuzzer's address, 127.0.0.1 and localhost (the fuzzer sends its address as
     * the Host), each with the lines of {@code route}, in which {@code %1$s} is the zone's name.
     */
    private static String zones(String host, String route) {
        Set<String> names = new LinkedHashSet<>();
        names.add(host);
        names.add("127.0.0.1");
        names.add("localhost");
        StringBuilder zones = new StringBuilder();
        for (String name : names) {
            zones.append("""
                      - name: %1$s
                        settings:
                          websockets: on
                          idle_timeout: 300s
                        dns_records:
                          - { type: A, name: %1$s, content: %2$s }
                    """.formatted(name, host)).append(route.formatted(name));
        }
        return zones.toString();
    }

    /** The repository's root: the nearest folder above the build directory that has {@link #JS_ECHO}. */
    static Path repository() {
        Path start = buildDirectory().toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(JS_ECHO).resolve("worker.js"))) {
                return p;
            }
        }
        throw new IllegalStateException("autobahn: no " + JS_ECHO.resolve("worker.js") + " in any folder above " + start
                + " (expected: this module inside the Pier repository)");
    }

    /** Copies the files of {@code from} (and its subfolders) to {@code to}, replacing what was there. */
    static void copyFolder(Path from, Path to) throws IOException {
        AutobahnReports.deleteTree(to);
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /**
     * Pier routing every request of each zone to the JavaScript echo Durable Object, whose folder
     * was copied to {@code js-object-script} beside this configuration: as {@link #objectConfig}.
     */
    static String jsObjectConfig(String host) {
        return """
                listeners:
                  - address: %s:%d
                request_log: js-object-requests.ndjson
                timeouts:
                  close_grace: 5s
                workers:
                  - name: echo-room-js
                    main_module: js-object-script/worker.js
                    compatibility_date: "2025-01-01"
                    durable_objects:
                      - { binding: ECHO, class: EchoRoom }
                durable_objects:
                  storage: js-durable-objects
                  hibernate_after: %dms
                zones:
                %s""".formatted(host, JS_OBJECT_PORT, HIBERNATE_AFTER.toMillis(), zones(host, workerRoute("echo-room-js")));
    }

    /** {@code target/} of this module, found from where this class was loaded. */
    static Path buildDirectory() {
        try {
            Path classes = Path.of(AutobahnServers.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("target").toAbsolutePath();
        }
    }
}
