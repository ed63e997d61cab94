package dev.pier.logpush;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * Where a job's batches go. A batch is delivered whole or not at all; delivering the same batch
 * twice (after a crash between delivery and acknowledgement) gives the same name, so a directory
 * holds it once and an endpoint can tell by its {@code X-Pier-Logpush-Batch} header.
 */
public interface Destination {

    /**
     * Delivers one batch.
     *
     * @param name    the batch's name, unique within the job and the same when it is delivered again
     * @param gzipped the batch, gzip-compressed
     * @throws IOException when it was not delivered (it is tried again)
     */
    void deliver(String name, byte[] gzipped) throws IOException;

    /**
     * The destination a {@code destination_conf} names: {@code https://host/path?header_Name=value...}
     * (a POST per batch, the {@code header_*} parameters as request headers) or a local directory,
     * {@code file:///absolute/path} or {@code /absolute/path}.
     *
     * @param tls how https destinations are trusted (the JDK's trust store, or one with a destination's CA)
     * @throws LogpushException naming {@code destination_conf} and the forms expected
     */
    static Destination parse(String destinationConf, HttpClient client) {
        if (destinationConf == null || destinationConf.isBlank()) {
            throw new LogpushException("destination_conf", "missing (expected: https://HOST/PATH or file:///DIRECTORY)");
        }
        if (destinationConf.startsWith("/")) {
            return new DirectoryDestination(Path.of(destinationConf));
        }
        URI uri;
        try {
            uri = new URI(destinationConf);
        } catch (URISyntaxException e) {
            throw new LogpushException("destination_conf", destinationConf + " is not a URL: " + e.getReason()
                    + " (expected: https://HOST/PATH or file:///DIRECTORY)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        return switch (scheme) {
            case "file" -> {
                if (uri.getPath() == null || !uri.getPath().startsWith("/")) {
                    throw new LogpushException("destination_conf", destinationConf + " (expected: file:///ABSOLUTE/DIRECTORY)");
                }
                yield new DirectoryDestination(Path.of(uri.getPath()));
            }
            case "https" -> {
                if (uri.getHost() == null) {
                    throw new LogpushException("destination_conf", destinationConf + " has no host (expected: https://HOST/PATH)");
                }
                yield HttpsDestination.of(uri, client);
            }
            default -> throw new LogpushException("destination_conf", destinationConf
                    + " (expected: https://HOST/PATH, file:///DIRECTORY or /DIRECTORY; an endpoint must use https)");
        };
    }

    /** Checks a {@code destination_conf} without making anything. */
    static void check(String destinationConf) {
        parse(destinationConf, null);
    }

    /** An HTTP client for https destinations trusting {@code tls}'s authorities. */
    static HttpClient client(SSLContext tls) {
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(java.time.Duration.ofSeconds(10)).build();
    }
}
