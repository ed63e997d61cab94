package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.WsClient;
import dev.pier.workers.runtime.objects.LiveObjects;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JavaScript Durable Object deployed with Cloudflare's script upload ({@code PUT
 * /accounts/pier/workers/scripts/{name}}, multipart), redeployed the same way with code that answers
 * differently: hibernated WebSockets stay open across the deploy and their next message is the new
 * code's, with the attachment each socket was given by the old code; an object in memory at the
 * deploy goes on with its code until it can hibernate, as Cloudflare's deferred code updates do.
 */
class ScriptDeployHibernationTest {

    /** The script; {@code VERSION} is what a deploy changes. */
    static final String ROOMS = """
            import { DurableObject } from "cloudflare:workers";

            const VERSION = "%s";

            export class Room extends DurableObject {
              async fetch(request) {
                const url = new URL(request.url);
                const name = url.searchParams.get("name");
                const [client, server] = Object.values(new WebSocketPair());
                if (url.searchParams.has("plain")) { // not hibernatable: its listener is this code's
                  server.accept();
                  server.addEventListener("message", (event) => server.send(`${VERSION} plain ${name}: ${event.data}`));
                } else {
                  this.ctx.acceptWebSocket(server, [name]);
                  server.serializeAttachment({ name, joinedOn: VERSION });
                }
                return new Response(null, { status: 101, webSocket: client });
              }

              async webSocketMessage(ws, message) {
                const { name, joinedOn } = ws.deserializeAttachment();
                ws.send(`${VERSION} ${name} (joined on ${joinedOn}, ${this.ctx.getWebSockets().length} open): ${message}`);
              }
            }

            export default {
              async fetch(request, env) {
                const url = new URL(request.url);
                if (url.pathname === "/rooms/version") {
                  return new Response(VERSION);
                }
                return env.ROOMS.get(env.ROOMS.idFromName(url.pathname.split("/")[2])).fetch(request);
              },
            };
            """;

    @TempDir
    Path dir;
    TestControlPlane plane;
    final Map<String, LiveObjects> namespaces = new ConcurrentHashMap<>();
    final List<WsClient> clients = new ArrayList<>();

    /** A node whose {@code durable_objects} has {@code keys}. */
    void start(String keys) throws Exception {
        plane = TestControlPlane.withDurableObjects(dir, keys);
        plane.runtime.onNamespace(n -> namespaces.put(n.name(), n));
    }

    @AfterEach
    void stop() {
        clients.forEach(c -> c.socket.abort());
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    void hibernatedSocketsStayOpenAcrossADeployAndTheirNextMessageIsTheNewCodesWithTheirAttachments() throws Exception {
        start("hibernate_after: 300ms");
        deploy("v1", true);
        WsClient ada = join("lobby", "ada");
        WsClient bob = join("lobby", "bob");
        WsClient cy = join("lobby", "cy");
        ada.socket.sendText("hi", true).join();
        assertThat(ada.next()).isEqualTo("text:v1 ada (joined on v1, 3 open): hi");
        LiveObjects rooms = namespaces.get("rooms.ROOMS");
        await(() -> rooms.metrics().hibernatedWebSockets() == 3 && rooms.metrics().liveObjects() == 0, "the room evicted, its 3 sockets open");
        long constructions = rooms.metrics().constructions();

        deploy("v2", false);
        for (WsClient c : List.of(ada, bob, cy)) {
            assertThat(c.events.poll(200, TimeUnit.MILLISECONDS)).as("nothing closed by the deploy").isNull();
        }
        assertThat(rooms.metrics().webSockets()).isEqualTo(3);
        for (WsClient c : List.of(cy, bob, ada)) {
            c.socket.sendText("after", true).join();
        }
        assertThat(cy.next()).isEqualTo("text:v2 cy (joined on v1, 3 open): after");
        assertThat(bob.next()).isEqualTo("text:v2 bob (joined on v1, 3 open): after");
        assertThat(ada.next()).isEqualTo("text:v2 ada (joined on v1, 3 open): after");
        assertThat(rooms.metrics().constructions()).as("the new code constructed by the first message (again if evicted between them)")
                .isGreaterThan(constructions);
        assertThat(rooms.metrics().wakeUps()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void anObjectInMemoryGoesOnWithItsCodeUntilItCanHibernateOrTheDelayPassesAsCloudflaresDeferredUpdates() throws Exception {
        start("hibernate_after: 1h, code_update_max_delay: 5s"); // long enough for the two messages below on a busy machine
        deploy("v1", true);
        WsClient ada = join("kitchen", "ada");
        WsClient zed = join("kitchen", "zed", "plain");
        ada.socket.sendText("one", true).join();
        assertThat(ada.next()).isEqualTo("text:v1 ada (joined on v1, 1 open): one");

        long deployed = System.nanoTime();
        deploy("v2", false);
        ada.socket.sendText("two", true).join();
        assertThat(ada.next()).as("zed's socket has listeners: the object cannot hibernate, and goes on with its code")
                .isEqualTo("text:v1 ada (joined on v1, 1 open): two");
        zed.socket.sendText("two", true).join();
        assertThat(zed.next()).isEqualTo("text:v1 plain zed: two");
        assertThat(zed.next()).as("reset after code_update_max_delay").isEqualTo("close:1012 the Durable Object's code was deployed again");
        assertThat(Duration.ofNanos(System.nanoTime() - deployed)).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        ada.socket.sendText("three", true).join();
        assertThat(ada.next()).as("the hibernatable socket stayed open; its next message is the new code's")
                .isEqualTo("text:v2 ada (joined on v1, 1 open): three");

    }

    // Deploying and joining

    /** Uploads the script as {@code version} (its first upload with the migration and the route), and waits until the edge runs it. */
    void deploy(String version, boolean first) throws Exception {
        String metadata = """
                {"main_module":"index.js","compatibility_date":"2025-04-01",
                 "bindings":[{"type":"durable_object_namespace","name":"ROOMS","class_name":"Room"}]%s}"""
                .formatted(first ? ",\"migrations\":{\"new_tag\":\"v1\",\"new_sqlite_classes\":[\"Room\"]}" : "");
        HttpResponse<String> put = api("PUT", "/accounts/pier/workers/scripts/rooms", multipart(metadata, ROOMS.formatted(version)),
                "multipart/form-data; boundary=" + BOUNDARY);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        long deployed = System.nanoTime();
        if (first) {
            HttpResponse<String> routes = api("PUT", "/accounts/pier/workers/scripts/rooms/routes",
                    "[{\"pattern\":\"127.0.0.1/rooms/*\",\"zone_name\":\"127.0.0.1\"}]".getBytes(StandardCharsets.UTF_8), "application/json");
            assertThat(routes.statusCode()).as(routes.body()).isEqualTo(200);
        }
        // the first deploy starts GraalJS's engine, which takes seconds on a busy machine; how fast a deploy applies is WranglerDeployTest's
        TestControlPlane.awaitWithin(Duration.ofSeconds(first ? 60 : 10), deployed, () -> plane.get("/rooms/version").body().equals(version));
    }

    static final String BOUNDARY = "pier-deploy-test";

    static byte[] multipart(String metadata, String module) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n"
                + metadata + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"index.js\"; filename=\"index.js\"\r\n"
                + "Content-Type: application/javascript+module\r\n\r\n" + module + "\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    HttpResponse<String> api(String method, String path, byte[] body, String contentType) throws Exception {
        return WsClient.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plane.adminPort() + "/client/v4" + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).header("Authorization", "Bearer " + plane.token)
                .header("Content-Type", contentType).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A member of {@code room}: hibernatable, or one the object listens to itself ({@code plain}). */
    WsClient join(String room, String name, String... plain) throws Exception {
        WsClient client = WsClient.connect("ws://127.0.0.1:" + plane.edge.listenerAddress(0).getPort() + "/rooms/" + room + "?name=" + name
                + (plain.length > 0 ? "&plain" : ""));
        clients.add(client);
        return client;
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - end).as("timed out waiting: " + what).isNegative();
            Thread.sleep(20);
        }
    }
}
