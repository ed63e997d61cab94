package dev.pier.edge.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Node.js's HTTP parser as an origin: {@code recording-origin.js} run by {@code node} (on the
 * PATH, as the cli module's tests need it too), which prints a JSON line for each request it
 * parsed and for each connection opened and closed.
 */
final class NodeOrigin implements ParsingOrigin {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int port;
    private final List<Parsed> parsed = new ArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final StringBuilder stderr = new StringBuilder();

    NodeOrigin() throws IOException, InterruptedException {
        Path script = Files.createTempFile("recording-origin", ".js");
        try (InputStream in = NodeOrigin.class.getResourceAsStream("recording-origin.js")) {
            Files.write(script, in.readAllBytes());
        }
        script.toFile().deleteOnExit();
        process = new ProcessBuilder("node", script.toString(), "0").start();
        Thread.ofVirtual().start(() -> drain(process.getErrorStream()));
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> read(listening));
        try {
            port = listening.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("node did not start the recording origin: " + stderr, e);
        }
    }

    private void read(CompletableFuture<Integer> listening) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                JsonNode event = JSON.readTree(line);
                if (event.has("listening")) {
                    listening.complete(event.get("listening").asInt());
                } else if (event.has("opened")) {
                    open.incrementAndGet();
                } else if (event.has("closed")) {
                    open.decrementAndGet();
                } else {
                    JsonNode host = event.get("host");
                    JsonNode ray = event.get("ray");
                    Parsed request = new Parsed(SeenRequest.byOrigin(event.get("method").asText(), event.get("target").asText(),
                            host.isNull() ? null : host.asText()), ray == null || ray.isNull() ? null : ray.asText());
                    synchronized (parsed) {
                        parsed.add(request);
                    }
                }
            }
        } catch (IOException e) {
            listening.completeExceptionally(e);
        }
        listening.completeExceptionally(new IOException("node exited"));
    }

    private void drain(InputStream errors) {
        try {
            byte[] all = errors.readAllBytes();
            synchronized (stderr) {
                stderr.append(new String(all, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return "node";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public List<Parsed> takeParsed() {
        synchronized (parsed) {
            List<Parsed> out = List.copyOf(parsed);
            parsed.clear();
            return out;
        }
    }

    @Override
    public int openConnections() {
        return open.get();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
