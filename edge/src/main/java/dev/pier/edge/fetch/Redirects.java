package dev.pier.edge.fetch;

import dev.pier.workers.FetchException;
import dev.pier.workers.Headers;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import java.net.URI;
import java.util.Locale;

/**
 * The request a redirect leads to, as the Fetch standard's "HTTP-redirect fetch" makes it: the
 * {@code Location} resolved against the URL that answered; a 303, and a 301 or 302 to a POST,
 * become a GET without a body or the headers that described it; the other redirects keep method
 * and body. {@code Authorization} is not carried to another origin.
 */
final class Redirects {

    /** Headers that describe a body: a redirect that drops the body drops them. */
    private static final String[] BODY_HEADERS = {"content-type", "content-length", "content-encoding", "content-language",
            "content-location"};

    private Redirects() {
    }

    /**
     * The request that follows {@code response}, or null when it is not a redirect (not 301,
     * 302, 303, 307 or 308, or without a {@code Location}).
     *
     * @throws FetchException when the {@code Location} is not a URL fetch can load
     */
    static Request next(Request request, Response response) {
        int status = response.status();
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
            return null;
        }
        String location = response.headers().get("location");
        if (location == null) {
            return null;
        }
        URI from = URI.create(request.url());
        URI to;
        try {
            to = from.resolve(new URI(location));
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw new FetchException(request + ": the origin redirected (" + status + ") to " + location + ", which is not a URL");
        }
        try {
            FetchTarget.of(to.toString());
        } catch (IllegalArgumentException e) {
            throw new FetchException(request + ": the origin redirected (" + status + ") to " + to + ", which fetch cannot load", e);
        }
        String method = request.method();
        byte[] body = request.bytes();
        Headers headers = new Headers(request.headers());
        boolean toGet = status == 303 ? !method.equals("GET") && !method.equals("HEAD")
                : (status == 301 || status == 302) && method.equals("POST");
        if (toGet) {
            method = "GET";
            body = null;
            for (String name : BODY_HEADERS) {
                headers.delete(name);
            }
        } else if (request.stream() != null) {
            // as the Fetch standard: a body sent as it was written cannot be sent again
            throw new FetchException(request + ": the origin redirected (" + status + ") to " + to
                    + ", and a request body sent as a stream cannot be sent again");
        }
        if (!sameOrigin(from, to)) {
            headers.delete("authorization");
        }
        return new Request(method, to.toString(), headers, body);
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && port(a) == port(b)
                && a.getHost().toLowerCase(Locale.ROOT).equals(b.getHost().toLowerCase(Locale.ROOT));
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }
}
