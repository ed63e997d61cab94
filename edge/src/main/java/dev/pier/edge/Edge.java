package dev.pier.edge;

import dev.pier.analytics.NdjsonRequestLogWriter;
import dev.pier.analytics.RequestLogStats;
import dev.pier.analytics.RequestLogSink;
import dev.pier.analytics.UsageRegistry;
import dev.pier.config.AdminConfig;
import dev.pier.config.ListenerConfig;
import dev.pier.config.PierConfig;
import dev.pier.edge.admin.AdminRoute;
import dev.pier.edge.admin.MetricsReaders;
import dev.pier.edge.admin.MetricsRoute;
import dev.pier.edge.fetch.FetchClient;
import dev.pier.edge.fetch.FetchLimits;
import dev.pier.edge.fetch.LoopTimers;
import dev.pier.edge.http.EdgeContext;
import dev.pier.edge.upstream.OriginGuard;
import dev.pier.edge.transport.Transport;
import dev.pier.waf.WafRuntime;
import dev.pier.workers.Fetch;
import dev.pier.workers.Timers;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running edge: its listeners, the admin listener, the request log and usage counters.
 *
 * <pre>{@code
 * try (Edge edge = Edge.start(ConfigLoader.load(path))) {
 *     edge.reload(ConfigLoader.load(path));   // new requests see the new config
 * }
 * }</pre>
 */
public final class Edge implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(Edge.class);

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final EdgeContext context;
    private final Listeners listeners;
    private final MetricsRoute metrics;
    /** The admin listener's settings when it was bound; null when there is none. */
    private final AdminConfig startedAdmin;
    private PierConfig config;
    private NdjsonRequestLogWriter logWriter;
    private final RequestLogStats logStats = new RequestLogStats();
    private final RequestLogSink extraSink;
    private final WafRuntime waf;
    private final ScriptDeployer workers;
    /** Workers' {@code fetch()}, on this edge's event loops; installed while the edge runs. */
    private final FetchClient fetch;
    private final LoopTimers timers;
    private boolean closed;
    private boolean stoppedAccepting;

    private Edge(PierConfig config, RequestLogSink extraSink, List<AdminRoute> adminRoutes, MetricsReaders metricsReaders,
                 ScriptDeployer workers) throws IOException {
        this.config = config;
        this.workers = workers;
        this.startedAdmin = config.admin();
        this.extraSink = extraSink;
        this.waf = WafRuntime.start(config.waf());
        EdgeContext.Snapshot snapshot;
        try {
            snapshot = EdgeContext.Snapshot.of(config, waf); // a bad certificate or rule fails before anything starts
        } catch (RuntimeException e) {
            waf.close();
            throw e;
        }
        Transport transport = Transport.best();
        this.bossGroup = transport.newGroup(1);
        // One event loop per core (Netty's default is two): more loops than cores only adds
        // context switches on the hot path. -Dpier.eventLoops overrides it.
        this.workerGroup = transport.newGroup(Integer.getInteger("pier.eventLoops", Runtime.getRuntime().availableProcessors()));
        this.logWriter = new NdjsonRequestLogWriter(config.requestLog(), NdjsonRequestLogWriter.DEFAULT_CAPACITY, logStats);
        UsageRegistry usage = new UsageRegistry();
        usage.requestLog(logStats);
        this.context = new EdgeContext(snapshot, sink(logWriter), usage, transport, waf);
        this.fetch = new FetchClient(workerGroup, transport.socketChannel(), FetchClient.defaultTls(), context::originGuard,
                () -> FetchLimits.of(context.snapshot().config().timeouts()));
        workers.nodeFetch(fetch);
        this.timers = new LoopTimers(workerGroup);
        context.scripts(workers.deploy(config)); // a script that cannot be deployed fails the start, before anything listens
        this.metrics = new MetricsRoute(context.usage(), () -> adminConfig().metricsToken(), metricsReaders);
        // What the admin listener serves: /metrics, then the routes the process adds.
        List<AdminRoute> routes = new ArrayList<>();
        routes.add(metrics);
        routes.addAll(adminRoutes);
        this.listeners = new Listeners(bossGroup, workerGroup, context, List.copyOf(routes), this::adminConfig);
        Fetch.Host.install(fetch);
        Timers.Host.install(timers);
        logger.info("Transport: {}", transport.name().toLowerCase());
    }

    /** Starts an edge and binds its listeners. */
    public static Edge start(PierConfig config) {
        return start(config, null);
    }

    /**
     * Starts an edge whose finished request logs also go to {@code observer} (after the
     * configured log file); for embedding and tests.
     */
    public static Edge start(PierConfig config, RequestLogSink observer) {
        return start(config, observer, List.of());
    }

    /**
     * Starts an edge whose admin listener also serves {@code adminRoutes} (the control plane's
     * API and dashboard).
     */
    public static Edge start(PierConfig config, RequestLogSink observer, List<AdminRoute> adminRoutes) {
        return start(config, observer, adminRoutes, null);
    }

    /**
     * Starts an edge whose admin listener also serves {@code adminRoutes}, and whose
     * {@code /metrics} also accepts the tokens {@code metricsReaders} accepts (the control plane's
     * API tokens with Analytics Read); null on a node without a store.
     */
    public static Edge start(PierConfig config, RequestLogSink observer, List<AdminRoute> adminRoutes,
                             MetricsReaders metricsReaders) {
        return start(config, observer, adminRoutes, metricsReaders, ScriptDeployer.NONE);
    }

    /**
     * Starts an edge as {@link #start(PierConfig, RequestLogSink, List, MetricsReaders)} does, with
     * the Workers the {@code workers} runtime deploys for each configuration, before the edge
     * listens and before each reload applies.
     */
    public static Edge start(PierConfig config, RequestLogSink observer, List<AdminRoute> adminRoutes,
                             MetricsReaders metricsReaders, ScriptDeployer workers) {
        Edge edge;
        try {
            edge = new Edge(config, observer, adminRoutes, metricsReaders, workers);
        } catch (IOException e) {
            throw new UncheckedIOException("request log " + config.requestLog() + " cannot be opened", e);
        }
        try {
            edge.bind();
            return edge;
        } catch (RuntimeException e) {
            edge.close();
            throw e;
        }
    }

    private RequestLogSink sink(NdjsonRequestLogWriter writer) {
        if (extraSink == null) {
            return writer;
        }
        return log -> {
            writer.accept(log);
            extraSink.accept(log);
        };
    }

    /**
     * Every address a configuration listens on: its listeners, then the admin listener (port 0
     * as configured).
     */
    public static List<InetSocketAddress> addresses(PierConfig config) {
        return Listeners.addresses(config);
    }

    /**
     * Binds every listener and the admin listener, all with SO_REUSEPORT so that a newer process
     * can bind them beside this one and take over ({@link Listeners}). Origins are never the
     * edge's own addresses: the configured ones while binding, the bound ones (port 0) after.
     */
    private void bind() {
        context.originGuard(OriginGuard.of(addresses(config)));
        listeners.bind(config);
        if (listeners.adminAddress() != null && !metrics.tokenRequired()) {
            logger.warn("Admin listener: /metrics names every zone and is served without a token;"
                    + " admin.metrics_token_file makes it take one (docs/OPERATIONS.md)");
        }
        context.originGuard(OriginGuard.of(listeners.boundAddresses()));
    }

    /**
     * Applies a new configuration to new requests; open connections keep going untouched.
     * Listener and admin addresses are bound at start: a change to them is reported and takes
     * effect at the next restart.
     */
    public synchronized void reload(PierConfig next) {
        Objects.requireNonNull(next, "next");
        if (!next.listeners().equals(config.listeners()) || !Objects.equals(adminAddress(next), adminAddress(config))) {
            logger.warn("Listener addresses changed; they take effect when Pier restarts");
        }
        if (!next.waf().equals(config.waf())) {
            logger.warn("WAF settings (Redis, challenge key) changed; they take effect when Pier restarts");
        }
        if (!next.analytics().equals(config.analytics())) {
            logger.warn("Analytics settings (store, spool, retention) changed; they take effect when Pier restarts");
        }
        if (!Objects.equals(next.requestLog(), config.requestLog())) {
            try {
                NdjsonRequestLogWriter old = logWriter;
                logWriter = new NdjsonRequestLogWriter(next.requestLog(), NdjsonRequestLogWriter.DEFAULT_CAPACITY, logStats);
                context.sink(sink(logWriter));
                old.close();
            } catch (IOException e) {
                logger.error("New request log {} cannot be opened; keeping {}", next.requestLog(), config.requestLog());
                next = new PierConfig(next.listeners(), next.admin(), config.requestLog(), next.timeouts(), next.zones(), next.tls(),
                        next.waf(), next.lists(), next.workers(), next.durableObjects(), next.analytics());
            }
        }
        EdgeContext.Snapshot snapshot;
        try {
            snapshot = EdgeContext.Snapshot.of(next, waf, context.snapshot());
        } catch (IllegalArgumentException e) {
            throw new dev.pier.config.ConfigException(e.getMessage(), e);
        }
        context.scripts(workers.deploy(next)); // before the routes that name them
        context.snapshot(snapshot);
        context.originGuard(OriginGuard.of(listeners.boundAddresses())); // this machine's interface addresses may have changed
        config = next;
    }

    private static ListenerConfig adminAddress(PierConfig config) {
        return config.admin() == null ? null : config.admin().address();
    }

    /**
     * The admin listener's settings now: its host names and metrics token follow reloads. A
     * reload that drops {@code admin} leaves the listener bound until the restart with the
     * settings it started with, so its metrics never become readable without a token.
     */
    private AdminConfig adminConfig() {
        AdminConfig admin = context.snapshot().config().admin();
        return admin != null ? admin : startedAdmin;
    }

    /** The address a listener is bound to (useful with port 0). */
    public InetSocketAddress listenerAddress(int index) {
        return listeners.listenerAddress(index);
    }

    /** How many admin connections are open now. */
    public int adminConnectionCount() {
        return listeners.adminConnectionCount();
    }

    /** The I/O transport this edge's listeners and origin connections run on. */
    public Transport transport() {
        return context.transport();
    }

    /** The admin listener's address, or null when there is none. */
    public InetSocketAddress adminAddress() {
        return listeners.adminAddress();
    }

    public UsageRegistry usage() {
        return context.usage();
    }

    public synchronized PierConfig config() {
        return config;
    }

    /**
     * Shuts down gracefully (SIGTERM): stops accepting, lets HTTP requests in flight finish,
     * sends every open WebSocket's client and origin a 1001 close ("edge is restarting") at a
     * frame boundary, waits up to the configured shutdown grace for the handshakes, then closes
     * what is left.
     */
    public void shutdown() {
        drain(Duration.ZERO);
    }

    /**
     * Drains the edge, as the old process does when a new one has taken over its ports: stops
     * accepting, closes idle HTTP connections and busy ones after their current exchange, and
     * keeps open WebSockets running until they end or {@code maxDrain} passes; then closes the
     * rest as {@link #shutdown()} does. Returns when everything is closed.
     */
    public void drain(Duration maxDrain) {
        Duration shutdownGrace;
        synchronized (this) {
            if (closed) {
                return;
            }
            shutdownGrace = config.timeouts().shutdownGrace();
        }
        stopAccepting();
        new Drain(context.clients()).run(maxDrain, shutdownGrace);
        close();
    }

    /**
     * Closes every listener, the admin listener included, and marks the edge as draining: new
     * requests on open connections are answered with {@code Connection: close}. Open
     * connections keep going. Returns once the listeners are closed; a second call does nothing.
     */
    public void stopAccepting() {
        synchronized (this) {
            if (closed || stoppedAccepting) {
                return;
            }
            stoppedAccepting = true;
        }
        context.startDraining();
        listeners.stopAccepting();
    }

    /** True while the edge accepts new connections. */
    public boolean listening() {
        return listeners.listening();
    }

    /** The number of open client connections. */
    public int openConnections() {
        return context.clients().size();
    }

    /** Stops listening, closes every connection, and writes out the request log. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Fetch.Host.uninstall(fetch);
        Timers.Host.uninstall(timers);
        listeners.close();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        logWriter.close();
        waf.close();
    }
}
