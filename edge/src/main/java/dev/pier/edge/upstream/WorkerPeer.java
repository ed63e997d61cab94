package dev.pier.edge.upstream;

import java.util.Objects;

/**
 * A Worker: the script a route names, answering the request itself.
 *
 * @param script the script's name
 * @param url    the request's absolute URL as the Worker sees it ({@code https://host/path?query})
 */
public record WorkerPeer(String script, String url) implements UpstreamPeer {

    public WorkerPeer {
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(url, "url");
    }
}
