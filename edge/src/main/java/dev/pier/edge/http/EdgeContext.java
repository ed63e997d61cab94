package dev.pier.edge.http;

import dev.pier.analytics.RequestLogSink;
import dev.pier.analytics.UsageRegistry;
import dev.pier.config.PierConfig;
import dev.pier.config.RoutingTable;
import dev.pier.config.Zone;
import dev.pier.edge.tls.TlsContexts;
import dev.pier.edge.waf.CustomRules;
import java.util.HashMap;
import java.util.Map;
import dev.pier.edge.transport.Transport;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * What every connection handler shares: the current configuration snapshot (swapped
 * atomically on reload; a request reads it once, when its head arrives), usage counters,
 * the request log sink and the transport.
 */
public final class EdgeContext {

    /** A configuration, and the routing table, TLS contexts and compiled rules built from it. */
    public record Snapshot(PierConfig config, RoutingTable routes, TlsContexts tls, Map<String, CustomRules> customRules) {
        /** @throws IllegalArgumentException when a certificate, key or rule cannot be used */
        public static Snapshot of(PierConfig config) {
            Map<String, CustomRules> rules = new HashMap<>();
            for (Zone zone : config.zones()) {
                CustomRules compiled = CustomRules.of(zone);
                if (!compiled.isEmpty()) {
                    rules.put(zone.name(), compiled);
                }
            }
            return new Snapshot(config, config.routingTable(), TlsContexts.of(config), Map.copyOf(rules));
        }

        /** The zone's custom rules (none when it has no enabled rule). */
        public CustomRules customRules(String zone) {
            return customRules.getOrDefault(zone, CustomRules.NONE);
        }
    }

    /** Sent down a client pipeline when the edge drains: finish the current exchange, then close. */
    public static final Object DRAIN = new Object() {
        @Override
        public String toString() {
            return "DRAIN";
        }
    };

    private volatile Snapshot snapshot;
    private volatile boolean draining;
    private final ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private volatile RequestLogSink sink;
    private final UsageRegistry usage;
    private final Transport transport;

    public EdgeContext(Snapshot snapshot, RequestLogSink sink, UsageRegistry usage, Transport transport) {
        this.snapshot = snapshot;
        this.sink = sink;
        this.usage = usage;
        this.transport = transport;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public void snapshot(Snapshot next) {
        snapshot = next;
    }

    public RequestLogSink sink() {
        return sink;
    }

    public void sink(RequestLogSink next) {
        sink = next;
    }

    public UsageRegistry usage() {
        return usage;
    }

    public Transport transport() {
        return transport;
    }

    /** Every open client connection. */
    public ChannelGroup clients() {
        return clients;
    }

    public boolean draining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
    }
}
