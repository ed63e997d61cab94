package dev.pier.edge.security;

import java.util.List;

/** A real origin server whose HTTP parser reports every request it took, for the smuggling corpus. */
interface ParsingOrigin extends AutoCloseable {

    /** Its name in reports, e.g. "node" or "jetty". */
    String name();

    int port();

    /** A request its parser took, with the ray id the edge gave it (its pier-ray header; null without one). */
    record Parsed(SeenRequest request, String rayId) {
    }

    /** The requests its parser took since the last call, in order. */
    List<Parsed> takeParsed();

    /** Connections open now: zero once the edge has closed every connection it made. */
    int openConnections();
}
