package dev.pier.edge.http;

import dev.pier.edge.error.EdgeException;

/**
 * The edge's log line for an error that ended a request: none for a client's error (the
 * request record has it), the detail of an origin's failure (which the error page never shows),
 * and the stack trace of a Worker's exception and of a fault of the edge itself.
 */
final class ErrorLog {

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(ErrorLog.class);

    private ErrorLog() {
    }

    /** @param rc the request, or null when the error came between requests */
    static void report(RequestContext rc, EdgeException e) {
        String ray = rc == null ? "-" : rc.log.rayId();
        String zone = rc == null ? null : rc.log.zoneName();
        switch (e.source()) {
            case CLIENT -> { }
            case ORIGIN -> {
                if (e.detail() != null) {
                    logger.warn("{} for ray {} (zone {}, origin {}): {}", e.error(), ray, zone, rc == null ? null : rc.log.originIp(),
                            e.detail());
                }
            }
            case WORKER -> logger.error("{} for ray {} (zone {}, worker {}): {}", e.error(), ray, zone,
                    rc == null ? null : rc.log.workerScriptName(), e.detail(), e.getCause());
            case INTERNAL -> logger.error("{} for ray {} (zone {}): the edge failed while handling the request", e.error(), ray, zone,
                    e.getCause() != null ? e.getCause() : e);
        }
    }
}
