package dev.pier.workers.runtime;

import dev.pier.config.DurableObjectsConfig;
import dev.pier.config.WorkerScript;
import dev.pier.workers.DurableObjectNamespace;
import dev.pier.workers.Env;
import dev.pier.workers.Fetch;
import dev.pier.workers.Worker;
import dev.pier.workers.host.DurableObjectClass;
import dev.pier.workers.host.ObjectClasses;
import dev.pier.workers.host.NodeRequests;
import dev.pier.workers.host.Script;
import dev.pier.workers.host.Scripts;
import dev.pier.workers.runtime.objects.ForwardedRequests;
import dev.pier.workers.runtime.objects.LiveObjects;
import dev.pier.workers.runtime.objects.Namespace;
import dev.pier.workers.runtime.objects.NodeClient;
import dev.pier.workers.runtime.objects.NodeLeases;
import dev.pier.workers.runtime.objects.Ownership;
import dev.pier.workers.runtime.storage.ObjectStore;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Deploys Workers: each script's class, from the node's own classpath or from its jar, in a class
 * loader of its own per deploy, so that requests after a deploy run the new code while requests
 * in flight finish on the old. A script whose configuration and jar did not change keeps its
 * instance across deploys. The first deploy fails on a script that cannot be loaded; a later one
 * keeps serving what was deployed before and logs why.
 *
 * <p>The Durable Objects a script binds live as long as the node: a deploy of new code for a
 * class evicts its objects, whose hibernatable WebSockets stay open, and their next event
 * constructs the new code; an object with WebSockets with listeners first goes on with its code
 * for up to {@code durable_objects.code_update_max_delay} ({@link LiveObjects#deploy}).
 *
 * <p>With a PostgreSQL storage, which several nodes share, each object runs on one node at a time
 * ({@link NodeLeases}); a node with a {@code node_address} serves the other nodes' requests for
 * the objects it runs under the script {@link NodeRequests#SCRIPT}, which the edge routes
 * {@link NodeRequests#PATH} to.
 */
public final class WorkerRuntime implements Scripts {

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(WorkerRuntime.class);

    /** One deployed script: what it was deployed from, and the instance that serves it. */
    private record Deployed(WorkerScript from, String jarStamp, Script script) {
    }

    private final ClassLoader classpath;
    /** What loads the scripts that are not Java classes (JavaScript's {@code main_module}). */
    private final List<ScriptLoader> loaders;
    private volatile Map<String, Deployed> deployed = Map.of();
    private boolean deployedOnce;
    /** The Durable Objects' storage, opened when the first script that binds a class is deployed. */
    private ObjectStore objects;
    private DurableObjectsConfig objectsConfig;
    /** Which node runs each object, decided with the storage. */
    private Ownership ownership = Ownership.ONE_NODE;
    /** Serves the other nodes' requests for the objects this node runs; null when they send none here. */
    private volatile Script nodeRequests;
    /** This node's own fetch, which sends requests to the other nodes; until the edge gives it, the JVM's. */
    private volatile Fetch.Host nodeFetch;
    private boolean closed;
    /** Every Durable Object namespace deployed since the node started, by name ({@code script.binding}). */
    private final Map<String, LiveObjects> namespaces = new ConcurrentHashMap<>();
    /** Told of each namespace when it is first deployed (the node's metrics). */
    private Consumer<LiveObjects> onNamespace = n -> { };

    /** @param classpath where a script without a jar is found (the node's own classes, for the examples) */
    public WorkerRuntime(ClassLoader classpath) {
        this(classpath, List.of());
    }

    /**
     * @param classpath where a script without a jar is found
     * @param loaders   what loads scripts in other languages (a {@code main_module}), asked in order
     */
    public WorkerRuntime(ClassLoader classpath, List<ScriptLoader> loaders) {
        this.classpath = classpath;
        this.loaders = List.copyOf(loaders);
    }

    /**
     * The fetch of this node's edge, which sends the requests for objects another node runs (another
     * edge's, in the same JVM, refuses its own listeners and would send nothing to that node).
     */
    public void nodeFetch(Fetch.Host fetch) {
        this.nodeFetch = java.util.Objects.requireNonNull(fetch, "fetch");
    }

    /** Calls {@code listener} for every namespace deployed so far and every one deployed later. */
    public synchronized void onNamespace(Consumer<LiveObjects> listener) {
        this.onNamespace = listener;
        namespaces.values().forEach(listener);
    }

    /**
     * Deploys exactly {@code scripts}: new and changed ones are loaded, unchanged ones kept,
     * the others removed. Returns this runtime, which serves them.
     *
     * @throws IllegalArgumentException on the first deploy, for a script that cannot be loaded
     */
    public synchronized Scripts deploy(List<WorkerScript> scripts) {
        return deploy(scripts, null);
    }

    /**
     * Deploys as {@link #deploy(List)}, with the Durable Objects the scripts bind keeping their
     * storage as {@code durableObjects} says.
     */
    public synchronized Scripts deploy(List<WorkerScript> scripts, DurableObjectsConfig durableObjects) {
        Map<String, Deployed> next = new HashMap<>();
        for (WorkerScript s : scripts) {
            Deployed before = deployed.get(s.name());
            String stamp = s.isJavaScript() ? loaderStamp(s) : jarStamp(s.jar());
            if (before != null && before.from().equals(s) && before.jarStamp().equals(stamp)) {
                next.put(s.name(), before);
                continue;
            }
            try {
                next.put(s.name(), new Deployed(s, stamp, script(s, durableObjects)));
                logger.info("Worker {} deployed: {}{}", s.name(), s.code(),
                        s.compatibilityDate() == null ? "" : " (compatibility_date " + s.compatibilityDate() + ")");
            } catch (Exception | LinkageError e) {
                String why = "workers: " + s.name() + ": " + s.code() + " cannot be deployed: " + e;
                if (!deployedOnce) {
                    throw new IllegalArgumentException(why, e);
                }
                logger.error("{}; {}", why, before == null ? "its routes answer 503" : "the code deployed before keeps serving", e);
                if (before != null) {
                    next.put(s.name(), before);
                }
            }
        }
        deployed = Map.copyOf(next);
        deployedOnce = true;
        return this;
    }

    @Override
    public Script find(String name) {
        Deployed d = deployed.get(name);
        if (d == null) {
            return NodeRequests.SCRIPT.equals(name) ? nodeRequests : null;
        }
        return d.script();
    }

    /**
     * The script's code and bindings: its Durable Object classes come from the same class loader
     * as its Worker. Nothing changes for the script's namespaces until every class loaded.
     */
    private Script script(WorkerScript s, DurableObjectsConfig durableObjects) throws Exception {
        if (s.isJavaScript()) {
            return foreignScript(s, durableObjects);
        }
        ClassLoader loader = s.jar() == null ? classpath : new URLClassLoader("worker-" + s.name(), new URL[] {url(s.jar())},
                Worker.class.getClassLoader());
        Worker worker = load(s, loader);
        Map<String, DurableObjectClass> types = new HashMap<>();
        for (Map.Entry<String, String> binding : s.durableObjects().entrySet()) {
            types.put(binding.getKey(), LiveObjects.javaClass(Class.forName(binding.getValue(), true, loader)));
        }
        return bind(s, worker, types, durableObjects);
    }

    /** The script with its Durable Object namespaces bound to {@code types}, by binding name: new ones started, the others deployed anew. */
    private Script bind(WorkerScript s, Worker worker, Map<String, DurableObjectClass> types, DurableObjectsConfig durableObjects) {
        Map<String, DurableObjectNamespace> bound = new HashMap<>();
        Env env = new Bindings(s.vars(), bound);
        for (Map.Entry<String, DurableObjectClass> binding : types.entrySet()) {
            String name = s.name() + "." + binding.getKey();
            LiveObjects objects = namespaces.get(name);
            if (objects != null) {
                objects.deploy(binding.getValue(), env, durableObjects == null ? DurableObjectsConfig.DEFAULT_CODE_UPDATE_MAX_DELAY
                        : durableObjects.codeUpdateMaxDelay());
            } else {
                ObjectStore store = objectStore(durableObjects); // opened with the first namespace, and ownership with it
                objects = new LiveObjects(name, binding.getValue(), env, store, durableObjects.hibernateAfter(), ownership);
                namespaces.put(name, objects);
                onNamespace.accept(objects);
            }
            bound.put(binding.getKey(), new Namespace(objects));
        }
        return new Script(s.name(), worker, env);
    }

    /**
     * A script in another language, loaded by the first loader that takes it; its Durable Object
     * bindings name classes its main module exports.
     */
    private Script foreignScript(WorkerScript s, DurableObjectsConfig durableObjects) throws Exception {
        ScriptLoader loader = loaderOf(s);
        Worker worker = loader.load(s);
        Map<String, DurableObjectClass> types = new HashMap<>();
        for (Map.Entry<String, String> binding : s.durableObjects().entrySet()) {
            if (!(worker instanceof ObjectClasses classes)) {
                throw new IllegalArgumentException("durable_objects: " + binding.getKey() + " (expected: a script whose code exports "
                        + "Durable Object classes)");
            }
            types.put(binding.getKey(), classes.objectClass(binding.getValue()));
        }
        return bind(s, worker, types, durableObjects);
    }

    private ScriptLoader loaderOf(WorkerScript s) {
        for (ScriptLoader loader : loaders) {
            if (loader.loads(s)) {
                return loader;
            }
        }
        throw new IllegalArgumentException("main_module: " + s.mainModule() + " (expected: a Java class; this node has no "
                + "JavaScript runtime)");
    }

    private String loaderStamp(WorkerScript s) {
        for (ScriptLoader loader : loaders) {
            if (loader.loads(s)) {
                return loader.stamp(s);
            }
        }
        return "";
    }

    private ObjectStore objectStore(DurableObjectsConfig config) {
        if (objects == null) {
            if (config == null) {
                throw new IllegalStateException("no durable_objects storage for the Durable Objects");
            }
            objects = config.jdbcUrl() != null ? ObjectStore.postgres(config.jdbcUrl(), null, null) : ObjectStore.sqlite(config.directory());
            objectsConfig = config;
            logger.info("Durable Objects keep their storage in {}", config.jdbcUrl() != null ? "PostgreSQL" : config.directory());
            ObjectStore store = objects;
            store.leases().ifPresent(leases -> {
                NodeClient client = config.nodeSecret() == null ? null
                        : new NodeClient(config.nodeSecret(), () -> nodeFetch != null ? nodeFetch : Fetch::fetch);
                ownership = new NodeLeases(leases, config.nodeAddress(), client, config.lease());
                if (config.nodeSecret() != null) {
                    nodeRequests = new Script(NodeRequests.SCRIPT, new ForwardedRequests(config.nodeSecret(), namespaces::get),
                            new Bindings(Map.of(), Map.of()));
                }
            });
        } else if (config != null && !config.equals(new DurableObjectsConfig(objectsConfig.directory(), objectsConfig.jdbcUrl(),
                config.hibernateAfter(), objectsConfig.nodeAddress(), objectsConfig.nodeSecret(), objectsConfig.lease(),
                config.codeUpdateMaxDelay()))) {
            logger.warn("durable_objects storage, node address, node secret or lease changed; those the node started with stay in use"
                    + " until it restarts");
        }
        return objects;
    }

    /**
     * The node stops running Durable Objects: their timers stop, another node may claim each of
     * them at once, and the storage closes. Call it once the edge has closed their WebSockets.
     */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        namespaces.values().forEach(LiveObjects::close);
        ownership.close();
        if (objects != null) {
            objects.close();
        }
    }

    private Worker load(WorkerScript s, ClassLoader loader) throws ReflectiveOperationException {
        Class<?> type = Class.forName(s.className(), true, loader);
        if (!Worker.class.isAssignableFrom(type)) {
            throw new ClassCastException(type.getName() + " does not implement " + Worker.class.getName());
        }
        return (Worker) type.getDeclaredConstructor().newInstance();
    }

    private static URL url(Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no such jar: " + jar);
        }
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IOException(e);
        }
    }

    /** What tells one build of a jar from the next: its size and modification time ("" without a jar). */
    private static String jarStamp(Path jar) {
        if (jar == null) {
            return "";
        }
        try {
            BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
            return a.size() + "@" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return "missing";
        }
    }
}
