package dev.pier.logpush;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An https endpoint, as Cloudflare's HTTP destination: each batch is a {@code POST} of the gzip
 * body ({@code Content-Encoding: gzip}); the {@code header_NAME=value} query parameters become
 * request headers and are taken off the URL, other parameters stay. Any 2xx acknowledges the batch.
 */
final class HttpsDestination implements Destination {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final URI uri;
    private final Map<String, String> headers;
    private final HttpClient client;

    private HttpsDestination(URI uri, Map<String, String> headers, HttpClient client) {
        this.uri = uri;
        this.headers = headers;
        this.client = client;
    }

    static HttpsDestination of(URI conf, HttpClient client) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> kept = new ArrayList<>();
        String query = conf.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (name.startsWith("header_")) {
                    String header = name.substring("header_".length());
                    if (header.isEmpty()) {
                        throw new LogpushException("destination_conf", pair + " names no header (expected: header_NAME=VALUE)");
                    }
                    headers.put(header, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } else {
                    kept.add(pair);
                }
            }
        }
        String base = conf.getScheme() + "://" + conf.getRawAuthority() + (conf.getRawPath() == null ? "" : conf.getRawPath());
        URI target = URI.create(kept.isEmpty() ? base : base + "?" + String.join("&", kept));
        return new HttpsDestination(target, Map.copyOf(headers), client);
    }

    @Override
    public void deliver(String name, byte[] gzipped) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Encoding", "gzip")
                .header("Content-Type", "application/octet-stream")
                .header("X-Pier-Logpush-Batch", name)
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped));
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending to " + uri, e);
        }
        if (response.statusCode() / 100 != 2) {
            String body = response.body();
            throw new IOException(uri + " answered " + response.statusCode()
                    + (body == null || body.isBlank() ? "" : ": " + body.substring(0, Math.min(200, body.length()))));
        }
    }

    /** The URL posted to (without the header parameters). */
    URI uri() {
        return uri;
    }

    /** The headers sent with each batch. */
    Map<String, String> headers() {
        return headers;
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
