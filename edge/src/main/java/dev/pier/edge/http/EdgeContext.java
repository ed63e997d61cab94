package dev.pier.edge.http;

import dev.pier.analytics.RequestLogSink;
import dev.pier.analytics.UsageRegistry;
import dev.pier.config.PierConfig;
import dev.pier.config.RoutingTable;
import dev.pier.config.Zone;
import dev.pier.edge.tls.TlsContexts;
import dev.pier.rules.Lists;
import dev.pier.waf.WafRuntime;
import dev.pier.waf.ZoneWaf;
import java.util.HashMap;
import java.util.Map;
import dev.pier.edge.transport.Transport;
import dev.pier.edge.upstream.OriginGuard;
import dev.pier.edge.upstream.OriginChannels;
import dev.pier.edge.upstream.OriginUpstream;
import dev.pier.edge.upstream.Upstream;
import dev.pier.edge.upstream.Upstreams;
import dev.pier.edge.worker.WorkerUpstream;
import dev.pier.workers.host.Scripts;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * What every connection handler shares: the current configuration snapshot (swapped
 * atomically on reload; a request reads it once, when its head arrives), usage counters,
 * the request log sink and the transport.
 */
public final class EdgeContext {

    /** A configuration, and the routing table, TLS contexts and compiled rulesets built from it. */
    public record Snapshot(PierConfig config, RoutingTable routes, TlsContexts tls, Map<String, ZoneWaf> wafs, Lists lists) {
        /** @throws IllegalArgumentException when a certificate, key or rule cannot be used */
        public static Snapshot of(PierConfig config, WafRuntime waf) {
            return of(config, waf, null);
        }

        /**
         * Builds the snapshot of {@code config}, taking from {@code previous} (null: none) what the
         * change left alone: a zone's compiled rulesets when its rulesets and the names of the
         * lists are the same, and TLS contexts whose certificate, key and settings are the same.
         * A change to one zone's setting then costs next to nothing, however many zones there are.
         *
         * @throws IllegalArgumentException when a certificate, key or rule cannot be used
         */
        public static Snapshot of(PierConfig config, WafRuntime waf, Snapshot previous) {
            Map<String, Zone> before = new HashMap<>();
            if (previous != null && previous.config.lists().keySet().equals(config.lists().keySet())) {
                previous.config.zones().forEach(z -> before.put(z.name(), z));
            }
            Map<String, ZoneWaf> wafs = new HashMap<>();
            for (Zone zone : config.zones()) {
                Zone old = before.get(zone.name());
                ZoneWaf compiled = old != null && old.rulesets().equals(zone.rulesets())
                        ? previous.waf(zone.name())
                        : ZoneWaf.compile(zone, waf, config.lists().keySet());
                if (!compiled.isEmpty()) {
                    wafs.put(zone.name(), compiled);
                }
            }
            TlsContexts tls = TlsContexts.of(config, previous == null ? null : previous.tls());
            return new Snapshot(config, config.routingTable(), tls, Map.copyOf(wafs), Lists.of(config.lists()));
        }

        /** The zone's rulesets, compiled (none when it has no enabled rule). */
        public ZoneWaf waf(String zone) {
            return wafs.getOrDefault(zone, ZoneWaf.NONE);
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
    private volatile OriginGuard originGuard = OriginGuard.NONE;
    private final UsageRegistry usage;
    private final Transport transport;
    private volatile OriginChannels originChannels;
    private volatile Scripts scripts = Scripts.NONE;
    private volatile Upstream upstream;
    private final WafRuntime waf;

    public EdgeContext(Snapshot snapshot, RequestLogSink sink, UsageRegistry usage, Transport transport, WafRuntime waf) {
        this.snapshot = snapshot;
        this.sink = sink;
        this.usage = usage;
        this.transport = transport;
        this.originChannels = OriginChannels.of(transport);
        this.upstream = new Upstreams(new OriginUpstream(() -> originChannels, () -> originGuard),
                new WorkerUpstream(() -> scripts, usage));
        this.waf = waf;
    }

    /** What the WAF keeps across snapshots: rate limit counters, the clearance key, managed rulesets. */
    public WafRuntime waf() {
        return waf;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public void snapshot(Snapshot next) {
        snapshot = next;
    }

    /** The origin addresses the edge refuses to connect to (its own listeners, link-local addresses). */
    public OriginGuard originGuard() {
        return originGuard;
    }

    /** Set by the edge once it knows its listening addresses. */
    public void originGuard(OriginGuard next) {
        originGuard = java.util.Objects.requireNonNull(next, "next");
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

    /** How origin connections' channels are made: the transport's socket channels. */
    public OriginChannels originChannels() {
        return originChannels;
    }

    /**
     * Lets a test run origin connections in memory (in-memory channels and a resolver that
     * resolves nothing, on the client's {@code EmbeddedChannel} loop), so the whole request path
     * runs on one thread.
     */
    public void originChannels(OriginChannels channels) {
        originChannels = java.util.Objects.requireNonNull(channels, "channels");
    }

    /** The Workers deployed now, by name; none until the runtime deploys some. */
    public Scripts scripts() {
        return scripts;
    }

    /** Set by the Workers runtime when it deploys scripts: requests after it run them. */
    public void scripts(Scripts next) {
        scripts = java.util.Objects.requireNonNull(next, "next");
    }

    /**
     * Where requests that pass the phases go: TCP origins through {@link #originChannels()},
     * behind {@link #originGuard()}, and the {@link #scripts()} deployed.
     */
    public Upstream upstream() {
        return upstream;
    }

    /** Lets a test put an upstream of its own behind every route. */
    public void upstream(Upstream next) {
        upstream = java.util.Objects.requireNonNull(next, "next");
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
