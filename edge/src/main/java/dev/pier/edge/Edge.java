package dev.pier.edge;

import dev.pier.analytics.NdjsonRequestLogWriter;
import dev.pier.analytics.RequestLogStats;
import dev.pier.analytics.RequestLogSink;
import dev.pier.analytics.UsageRegistry;
import dev.pier.config.AdminConfig;
import dev.pier.config.ListenerConfig;
import dev.pier.config.PierConfig;
import dev.pier.config.Timeouts;
import dev.pier.edge.admin.AdminConnections;
import dev.pier.edge.admin.AdminHandler;
import dev.pier.edge.admin.AdminRoute;
import dev.pier.edge.admin.MetricsReaders;
import dev.pier.edge.admin.MetricsRoute;
import dev.pier.edge.http.ClientChannelInitializer;
import dev.pier.edge.transport.EdgeChannelOptions;
import dev.pier.edge.http.EdgeContext;
import dev.pier.edge.upstream.OriginGuard;
import dev.pier.edge.transport.PortReservation;
import dev.pier.edge.transport.Transport;
import dev.pier.edge.tunnel.ControlFrames;
import dev.pier.edge.tunnel.Tunnel;
import dev.pier.waf.WafRuntime;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
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
    private final List<Channel> listeners = new ArrayList<>();
    private Channel admin;
    private final MetricsRoute metrics;
    /** The admin listener's settings when it was bound; null when there is none. */
    private final AdminConfig startedAdmin;
    private PierConfig config;
    private NdjsonRequestLogWriter logWriter;
    private final RequestLogStats logStats = new RequestLogStats();
    private final RequestLogSink extraSink;
    /** What the admin listener serves: {@code /metrics}, then the routes the process adds. */
    private final List<AdminRoute> adminRoutes;
    /** Admin connections open at once at most; more are closed as they come. */
    private final AdminConnections adminConnections = new AdminConnections();
    private final WafRuntime waf;
    private boolean closed;
    private boolean stoppedAccepting;

    private Edge(PierConfig config, RequestLogSink extraSink, List<AdminRoute> adminRoutes, MetricsReaders metricsReaders)
            throws IOException {
        this.config = config;
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
        this.metrics = new MetricsRoute(context.usage(), () -> adminConfig().metricsToken(), metricsReaders);
        List<AdminRoute> routes = new ArrayList<>();
        routes.add(metrics);
        routes.addAll(adminRoutes);
        this.adminRoutes = List.copyOf(routes);
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
        Edge edge;
        try {
            edge = new Edge(config, observer, adminRoutes, metricsReaders);
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
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (ListenerConfig listener : config.listeners()) {
            addresses.add(new InetSocketAddress(listener.host(), listener.port()));
        }
        if (config.admin() != null) {
            addresses.add(new InetSocketAddress(config.admin().address().host(), config.admin().address().port()));
        }
        return addresses;
    }

    /**
     * Binds every listener and the admin listener, all with SO_REUSEPORT so that a newer process
     * can bind them beside this one and take over. Every port is held first without listening
     * ({@link PortReservation}): a port that cannot be had fails the start before any listener
     * has taken a connection it would then reset.
     */
    private void bind() {
        // Fixed ports are known before anything listens; the bound addresses (port 0) replace them below.
        List<InetSocketAddress> configured = addresses(config);
        context.originGuard(OriginGuard.of(configured));
        try (PortReservation ignored = PortReservation.hold(configured)) {
            bindListeners();
        }
        context.originGuard(OriginGuard.of(boundAddresses()));
    }

    private void bindListeners() {
        for (ListenerConfig listener : config.listeners()) {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(bossGroup, workerGroup)
                    .channel(context.transport().serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, EdgeChannelOptions.RECEIVE_BUFFERS)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, EdgeChannelOptions.WATER_MARK)
                    .childHandler(new ClientChannelInitializer(context, listener.tls()));
            context.transport().reusePort(bootstrap);
            listeners.add(bootstrap.bind(listener.host(), listener.port()).syncUninterruptibly().channel());
            logger.info("Listening on {}", listeners.get(listeners.size() - 1).localAddress());
        }
        if (config.admin() != null) {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(bossGroup, workerGroup)
                    .channel(context.transport().serverChannel())
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (adminConnections.admit(ch)) {
                                new AdminHandler(adminRoutes, () -> adminConfig().allowedHosts(),
                                        () -> context.snapshot().config().timeouts().requestHead(), adminConnections).install(ch.pipeline());
                            }
                        }
                    });
            context.transport().reusePort(bootstrap);
            admin = bootstrap.bind(config.admin().address().host(), config.admin().address().port()).syncUninterruptibly().channel();
            logger.info("Admin listener on {}", admin.localAddress());
            if (!metrics.tokenRequired()) {
                logger.warn("Admin listener: /metrics names every zone and is served without a token;"
                        + " admin.metrics_token_file makes it take one (docs/OPERATIONS.md)");
            }
        }
    }

    /** Every address the edge listens on: its listeners and the admin listener. */
    private List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> bound = new ArrayList<>();
        for (Channel listener : listeners) {
            bound.add((InetSocketAddress) listener.localAddress());
        }
        if (admin != null) {
            bound.add((InetSocketAddress) admin.localAddress());
        }
        return bound;
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
        if (!Objects.equals(next.requestLog(), config.requestLog())) {
            try {
                NdjsonRequestLogWriter old = logWriter;
                logWriter = new NdjsonRequestLogWriter(next.requestLog(), NdjsonRequestLogWriter.DEFAULT_CAPACITY, logStats);
                context.sink(sink(logWriter));
                old.close();
            } catch (IOException e) {
                logger.error("New request log {} cannot be opened; keeping {}", next.requestLog(), config.requestLog());
                next = new PierConfig(next.listeners(), next.admin(), config.requestLog(), next.timeouts(), next.zones(), next.tls(),
                        next.waf(), next.lists());
            }
        }
        EdgeContext.Snapshot snapshot;
        try {
            snapshot = EdgeContext.Snapshot.of(next, waf, context.snapshot());
        } catch (IllegalArgumentException e) {
            throw new dev.pier.config.ConfigException(e.getMessage(), e);
        }
        context.snapshot(snapshot);
        context.originGuard(OriginGuard.of(boundAddresses())); // this machine's interface addresses may have changed
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
        return (InetSocketAddress) listeners.get(index).localAddress();
    }

    /** How many admin connections are open now. */
    public int adminConnectionCount() {
        return adminConnections.size();
    }

    /** The admin listener's address, or null when there is none. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : (InetSocketAddress) admin.localAddress();
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
        Timeouts timeouts;
        synchronized (this) {
            if (closed) {
                return;
            }
            timeouts = config.timeouts();
        }
        stopAccepting();
        for (Channel client : context.clients()) {
            client.eventLoop().execute(() -> client.pipeline().fireUserEventTriggered(EdgeContext.DRAIN));
        }
        if (!awaitNoClients(maxDrain)) {
            logger.info("Closing {} open WebSocket connection(s): the edge is restarting", context.clients().size());
            for (Channel client : context.clients()) {
                client.eventLoop().execute(() -> {
                    Tunnel tunnel = Tunnel.of(client);
                    if (tunnel != null) {
                        tunnel.closeBoth(ControlFrames.GOING_AWAY, "edge is restarting");
                    }
                });
            }
            if (!awaitNoClients(timeouts.shutdownGrace())) {
                logger.warn("{} connection(s) still open after the shutdown grace; closing them", context.clients().size());
            }
        }
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
        List<String> addresses = new ArrayList<>();
        for (Channel listener : listeners) {
            addresses.add(String.valueOf(listener.localAddress()));
            listener.close().syncUninterruptibly();
        }
        String adminClosed = "";
        if (admin != null) {
            adminClosed = "; admin listener " + admin.localAddress() + " closed";
            admin.close().syncUninterruptibly();
        }
        // Only once every listener is closed: from this line on, a new connection reaches the
        // successor listening beside this process (if any), never this one. Operators see the
        // hand-over happen and how much is left to drain; TakeoverProcessTest waits for it.
        logger.info("Stopped accepting on {}{}; draining {} connection(s)", String.join(", ", addresses), adminClosed,
                context.clients().size());
    }

    private boolean awaitNoClients(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!context.clients().isEmpty()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** True while the edge accepts new connections. */
    public boolean listening() {
        return listeners.stream().anyMatch(Channel::isActive);
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
        for (Channel listener : listeners) {
            listener.close().syncUninterruptibly();
        }
        if (admin != null) {
            admin.close().syncUninterruptibly();
        }
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        logWriter.close();
        waf.close();
    }
}
