package dev.pier.edge.http;

import dev.pier.analytics.RequestLogBuilder;
import dev.pier.edge.transport.ByteCounter;

/** The wire bytes each exchange of a client connection moved, each way, read off the connection's counter. */
final class ExchangeTraffic {

    private final ByteCounter counter;
    /** The counters when the current exchange began. */
    private long readMark;
    private long writtenMark;

    ExchangeTraffic(ByteCounter counter) {
        this.counter = counter;
    }

    /** Writes the bytes since the previous exchange ended into the record and the zone's usage; the next exchange counts from here. */
    void countInto(RequestContext rc) {
        RequestLogBuilder log = rc.log;
        log.clientRequestBytes(counter.read() - readMark);
        log.edgeResponseBytes(counter.written() - writtenMark);
        readMark = counter.read();
        writtenMark = counter.written();
        if (rc.usage != null) {
            rc.usage.bytesToClient(log.edgeResponseBytes());
        }
    }
}
