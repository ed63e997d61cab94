package dev.pier.cli.workers;

import dev.pier.cli.JavaScriptLoader;
import dev.pier.config.DurableObjectsConfig;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import dev.pier.workers.runtime.ScriptLoader;
import dev.pier.workers.runtime.WorkerRuntime;
import dev.pier.workers.runtime.objects.LiveObjects;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node as {@code pier serve} wires it, in the test's JVM: an edge and the Workers runtime that
 * deploys the file's scripts (JavaScript ones too, on a {@link #javaScript} node), each Durable
 * Object namespace's figures on the edge's {@code /metrics} and at hand by name
 * ({@code script.BINDING}).
 */
final class WorkersNode implements AutoCloseable {

    final TestEdge edge;
    private final Map<String, LiveObjects> namespaces = new ConcurrentHashMap<>();
    private final List<ScriptLoader> loaders;

    private WorkersNode(String yaml, Path objectStorage, List<ScriptLoader> loaders) {
        this.loaders = loaders;
        WorkerRuntime runtime = new WorkerRuntime(WorkersNode.class.getClassLoader(), loaders);
        edge = TestEdge.fromYaml(yaml, config -> runtime.deploy(config.workers(), objectStorage == null ? config.durableObjects()
                : new DurableObjectsConfig(objectStorage, null, config.durableObjects().hibernateAfter(), null, null,
                        DurableObjectsConfig.DEFAULT_LEASE, config.durableObjects().codeUpdateMaxDelay())));
        runtime.onNamespace(objects -> {
            namespaces.put(objects.name(), objects);
            edge.edge.usage().register(registry -> objects.metrics().bindTo(registry, objects.name()));
        });
    }

    /** A node with a folder of its own: its Durable Objects' storage is where {@code yaml} says, relative to that folder. */
    static WorkersNode start(String yaml) {
        return new WorkersNode(yaml, null, List.of());
    }

    /**
     * A node that also runs JavaScript Workers ({@code main_module}) as {@code pier serve} does; its
     * Durable Objects' storage in {@code objectStorage}, or where {@code yaml} says when that is null.
     */
    static WorkersNode javaScript(String yaml, Path objectStorage) {
        return new WorkersNode(yaml, objectStorage, List.of(new JavaScriptLoader()));
    }

    /** Stops this node and starts another from {@code yaml}, whose Durable Objects find this one's storage: a restart. */
    WorkersNode restart(String yaml) {
        Path storage = edge.dir.resolve("durable-objects");
        close();
        return new WorkersNode(yaml, storage, loaders);
    }

    /** A Durable Object namespace deployed on this node. */
    LiveObjects namespace(String name) {
        LiveObjects objects = namespaces.get(name);
        if (objects == null) {
            throw new AssertionError("no namespace " + name + " is deployed (there are " + namespaces.keySet() + ")");
        }
        return objects;
    }

    /** A GET of {@code path} through the edge. */
    HttpResponse<String> get(String path) throws Exception {
        return WsClient.HTTP.send(HttpRequest.newBuilder(URI.create(edge.http(path))).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        edge.close();
        namespaces.values().forEach(LiveObjects::close);
    }
}
