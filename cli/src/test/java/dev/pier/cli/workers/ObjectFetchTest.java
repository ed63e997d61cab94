package dev.pier.cli.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.WsClient;
import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectNamespace;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.Env;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Fetch;
import dev.pier.workers.Headers;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketPair;
import dev.pier.workers.Worker;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Durable Object that fetches a WebSocket from an origin during one of its events, through a
 * real edge and the Workers runtime: the WebSocket belongs to the object, so each message from
 * the origin is one of the object's events, on its thread, where it can use storage.
 */
class ObjectFetchTest {

    static final String YAML = """
            listeners:
              - address: 127.0.0.1:0
            request_log: requests.ndjson
            durable_objects:
              storage: objects
            workers:
              - name: relay
                class: dev.pier.cli.workers.ObjectFetchTest$RelayWorker
                vars: { ORIGIN: "http://127.0.0.1:%d/echo" }
                durable_objects:
                  - { binding: RELAYS, class: dev.pier.cli.workers.ObjectFetchTest$Relay }
            zones:
              - name: localhost
                dns_records:
                  - { type: A, name: localhost, content: 127.0.0.1 }
                workers_routes:
                  - { pattern: "localhost/relay/*", script: relay }
            """;

    /** Sends each request to the relay of its name. */
    public static final class RelayWorker implements Worker {
        @Override
        public CompletionStage<Response> fetch(Request request, Env env, ExecutionContext ctx) {
            DurableObjectNamespace relays = env.durableObject("RELAYS");
            return relays.get(relays.idFromName(request.path())).fetch(request);
        }
    }

    /**
     * Bridges a client's WebSocket to the origin's echo; stores the last message the origin sent
     * and on which kind of thread it heard it, and answers a plain GET with what it stored.
     */
    public static final class Relay implements DurableObject {
        private final DurableObjectState state;
        private final String origin;

        public Relay(DurableObjectState state, Env env) {
            this.state = state;
            this.origin = env.var("ORIGIN");
        }

        @Override
        public CompletionStage<Response> fetch(Request request) {
            if (!request.isWebSocketUpgrade()) {
                return CompletableFuture.completedFuture(new Response(state.storage().getString("last") + " heard on "
                        + state.storage().getString("thread")));
            }
            // The object's thread may block: the event waits here for the origin's 101.
            Request upgrade = new Request("GET", origin, Headers.of("upgrade", "websocket"), null);
            Response answer = Fetch.fetch(upgrade).toCompletableFuture().join();
            WebSocket toOrigin = answer.webSocket();
            WebSocketPair pair = new WebSocketPair();
            WebSocket toClient = pair.server();
            toClient.accept();
            toOrigin.accept();
            toClient.addMessageListener(m -> toOrigin.send(m.text()));
            toOrigin.addMessageListener(m -> {
                state.storage().putString("last", m.text());
                state.storage().putString("thread", Thread.currentThread().isVirtual() ? "the object's thread" : "an event loop");
                toClient.send(m.text());
            });
            toClient.addCloseListener(c -> toOrigin.close(c.code(), c.reason()));
            toOrigin.addCloseListener(c -> toClient.close(c.code(), c.reason()));
            return CompletableFuture.completedFuture(Response.webSocket(pair.client()));
        }
    }

    JettyOrigin jetty;
    WorkersNode node;
    TestEdge edge;

    @BeforeEach
    void start() throws Exception {
        jetty = new JettyOrigin();
        node = WorkersNode.start(YAML.formatted(jetty.port()));
        edge = node.edge;
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
        jetty.close();
    }

    @Test
    void theOriginsMessagesAreTheObjectsEventsOnItsThreadWithItsStorage() throws Exception {
        WsClient client = WsClient.connect(edge.ws("/relay/one"));
        client.socket.sendText("first", true).join();
        assertThat(client.next()).isEqualTo("text:first");
        client.socket.sendText("second", true).join();
        assertThat(client.next()).isEqualTo("text:second");

        HttpResponse<String> stored = WsClient.HTTP.send(HttpRequest.newBuilder(URI.create(edge.http("/relay/one"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stored.body()).isEqualTo("second heard on the object's thread");

        client.socket.sendClose(4005, "done").join();
        assertThat(jetty.closes.poll(10, TimeUnit.SECONDS)).isEqualTo("4005 done");
        assertThat(client.next()).isEqualTo("close:4005 done");
    }
}
