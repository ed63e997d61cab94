package dev.pier.workers.js;

import dev.pier.workers.Env;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.Headers;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.Worker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Scripts written to a folder for a test, loaded, and called as the edge calls them. */
final class Scripts {

    static final ExecutionContext NO_CTX = work -> { };

    private Scripts() {
    }

    /** Writes {@code files} (path → content) under {@code dir}; the first is the main module. */
    static Path write(Path dir, Map<String, String> files) {
        try {
            Path main = null;
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path p = dir.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.getValue());
                if (main == null) {
                    main = p;
                }
            }
            return main;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsWorker load(Path dir, String mainModule) {
        try {
            return (JsWorker) JsWorkers.load("test", dir.resolve(mainModule));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A worker whose main module is {@code code} alone. */
    static JsWorker worker(Path dir, String code) {
        write(dir, Map.of("worker.js", code));
        return load(dir, "worker.js");
    }

    static Response call(Worker worker, Request request) throws Exception {
        return worker.fetch(request, Env.of(Map.of()), NO_CTX).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static Response get(Worker worker, String url) throws Exception {
        return call(worker, Request.get(url));
    }

    static Request post(String url, String body, String... headers) {
        return new Request("POST", url, Headers.of(headers), body.getBytes(StandardCharsets.UTF_8));
    }
}
