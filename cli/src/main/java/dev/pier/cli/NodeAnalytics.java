package dev.pier.cli;

import dev.pier.analytics.LiveWebSockets;
import dev.pier.analytics.NodeWebSockets;
import dev.pier.analytics.RequestLogSink;
import dev.pier.analytics.UsageRegistry;
import dev.pier.analytics.store.AnalyticsStore;
import dev.pier.analytics.store.PostgresLiveWebSockets;
import dev.pier.analytics.store.ReconnectingAnalyticsStore;
import dev.pier.analytics.store.Retention;
import dev.pier.analytics.store.RetentionJob;
import dev.pier.analytics.store.StoreShippingSink;
import dev.pier.config.AnalyticsConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A node's analytics as {@code pier serve} runs them: its records shipped to the configured store
 * (through the spool), and the store's retention applied every hour. The store is opened by the
 * shipping thread when the first batch goes out, so a slow or absent store never delays the
 * edge's start, and a store another process still holds (a DuckDB file during a hand-over) is
 * opened once that process lets go; records wait in the spool meanwhile.
 *
 * <p>The WebSockets open now are read off the edge; with a PostgreSQL store the node also
 * publishes its own there, so that every node's API answers for all of them.
 */
final class NodeAnalytics implements AutoCloseable {

    /** No analytics: nothing is shipped. */
    static final NodeAnalytics OFF = new NodeAnalytics(null, null, null, null);

    private final AnalyticsStore store;
    private final StoreShippingSink sink;
    private final RetentionJob retention;
    /** The shared PostgreSQL store's address; null with DuckDB or with analytics off. */
    private final String sharedStore;
    private PostgresLiveWebSockets published;

    private NodeAnalytics(AnalyticsStore store, StoreShippingSink sink, RetentionJob retention, String sharedStore) {
        this.store = store;
        this.sink = sink;
        this.retention = retention;
        this.sharedStore = sharedStore;
    }

    static NodeAnalytics start(AnalyticsConfig config) {
        if (!config.enabled()) {
            return OFF;
        }
        Retention retention = retention(config.retention(), config.perZone().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> retention(e.getValue(), Map.of()))));
        AnalyticsStore store = new ReconnectingAnalyticsStore(() -> AnalyticsStore.open(config.location(), Path.of("."), retention));
        return new NodeAnalytics(store, new StoreShippingSink(store, config.spool()), new RetentionJob(store), config.jdbcUrl());
    }

    private static Retention retention(AnalyticsConfig.Retention r, Map<String, Retention> perZone) {
        return new Retention(r.raw(), r.minute(), r.hour(), r.day(), perZone);
    }

    /** Where the edge hands its finished records, besides the request log; null when analytics are off. */
    RequestLogSink sink() {
        return sink;
    }

    /** The store the control plane's GraphQL Analytics API answers from; null when analytics are off. */
    AnalyticsStore store() {
        return store;
    }

    /** The shipper's figures for the node's {@code /metrics}; null when analytics are off. */
    io.micrometer.core.instrument.binder.MeterBinder metrics() {
        return sink;
    }

    /**
     * The WebSockets open now, for {@code webSocketConnectionsLive}: with a PostgreSQL store every
     * node's (this node's are published there from now on, until {@link #close}); else this node's.
     */
    synchronized LiveWebSockets live(UsageRegistry usage) {
        NodeWebSockets local = new NodeWebSockets(nodeName(), usage);
        if (sharedStore == null) {
            return local;
        }
        published = PostgresLiveWebSockets.start(sharedStore, local);
        return published;
    }

    /** This process's name among the nodes: its host's name and its process id (a successor after a hand-over is another node). */
    static String nodeName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /** Sends what is spooled for up to ten seconds (the rest waits for the next start), then closes the store. */
    @Override
    public synchronized void close() {
        if (published != null) {
            published.close(); // the other nodes stop showing this node's WebSockets at once
            published = null;
        }
        if (sink == null) {
            return;
        }
        retention.close();
        sink.close();
        store.close();
    }
}
