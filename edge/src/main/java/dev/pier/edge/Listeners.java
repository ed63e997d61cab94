package dev.pier.edge;

import dev.pier.config.AdminConfig;
import dev.pier.config.ListenerConfig;
import dev.pier.config.PierConfig;
import dev.pier.edge.admin.AdminConnections;
import dev.pier.edge.admin.AdminHandler;
import dev.pier.edge.admin.AdminRoute;
import dev.pier.edge.http.ClientChannelInitializer;
import dev.pier.edge.http.EdgeContext;
import dev.pier.edge.transport.EdgeChannelOptions;
import dev.pier.edge.transport.PortReservation;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's listening sockets: one per configured listener, where clients' connections come
 * in, and the admin listener. Each is bound with SO_REUSEPORT so that a newer process can bind
 * it beside this one and take over; closing them is how this process stops accepting.
 *
 * <p>A bind that fails part way leaves what it bound here, for {@link #close()} to close.
 */
final class Listeners {

    /** The listeners' lines are the edge's: operators (and TakeoverProcessTest) read them as such. */
    private static final Logger logger = LoggerFactory.getLogger(Edge.class);

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final EdgeContext context;
    /** What the admin listener serves. */
    private final List<AdminRoute> adminRoutes;
    /** The admin listener's settings now (host names and metrics token follow reloads). */
    private final Supplier<AdminConfig> adminConfig;
    /** Admin connections open at once at most; more are closed as they come. */
    private final AdminConnections adminConnections = new AdminConnections();
    private final List<Channel> proxies = new ArrayList<>();
    private Channel admin;

    Listeners(EventLoopGroup bossGroup, EventLoopGroup workerGroup, EdgeContext context, List<AdminRoute> adminRoutes,
              Supplier<AdminConfig> adminConfig) {
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.context = context;
        this.adminRoutes = adminRoutes;
        this.adminConfig = adminConfig;
    }

    /**
     * Every address a configuration listens on: its listeners, then the admin listener (port 0
     * as configured).
     */
    static List<InetSocketAddress> addresses(PierConfig config) {
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
     * Binds every listener of {@code config} and its admin listener. Every port is held first
     * without listening ({@link PortReservation}): a port that cannot be had fails the bind
     * before any listener has taken a connection it would then reset.
     */
    void bind(PierConfig config) {
        try (PortReservation ignored = PortReservation.hold(addresses(config))) {
            for (ListenerConfig listener : config.listeners()) {
                bindProxy(listener);
            }
            if (config.admin() != null) {
                bindAdmin(config.admin().address());
            }
        }
    }

    private void bindProxy(ListenerConfig listener) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(context.transport().serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, EdgeChannelOptions.RECEIVE_BUFFERS)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, EdgeChannelOptions.WATER_MARK)
                .childHandler(new ClientChannelInitializer(context, listener.tls()));
        context.transport().reusePort(bootstrap);
        proxies.add(bootstrap.bind(listener.host(), listener.port()).syncUninterruptibly().channel());
        logger.info("Listening on {}", proxies.get(proxies.size() - 1).localAddress());
    }

    private void bindAdmin(ListenerConfig address) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(context.transport().serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (adminConnections.admit(ch)) {
                            new AdminHandler(adminRoutes, () -> adminConfig.get().allowedHosts(),
                                    () -> context.snapshot().config().timeouts().requestHead(), adminConnections).install(ch.pipeline());
                        }
                    }
                });
        context.transport().reusePort(bootstrap);
        admin = bootstrap.bind(address.host(), address.port()).syncUninterruptibly().channel();
        logger.info("Admin listener on {}", admin.localAddress());
    }

    /** Every address bound: the listeners, then the admin listener. */
    List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> bound = new ArrayList<>();
        for (Channel listener : proxies) {
            bound.add((InetSocketAddress) listener.localAddress());
        }
        if (admin != null) {
            bound.add((InetSocketAddress) admin.localAddress());
        }
        return bound;
    }

    /** The address listener {@code index} is bound to (useful with port 0). */
    InetSocketAddress listenerAddress(int index) {
        return (InetSocketAddress) proxies.get(index).localAddress();
    }

    /** The admin listener's address, or null when there is none. */
    InetSocketAddress adminAddress() {
        return admin == null ? null : (InetSocketAddress) admin.localAddress();
    }

    /** How many admin connections are open now. */
    int adminConnectionCount() {
        return adminConnections.size();
    }

    /** True while a listener is open. */
    boolean listening() {
        return proxies.stream().anyMatch(Channel::isActive);
    }

    /**
     * Closes every listener, the admin listener included, and says so once all are closed.
     * Connections already accepted keep going.
     */
    void stopAccepting() {
        List<String> addresses = new ArrayList<>();
        for (Channel listener : proxies) {
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

    /** Closes every listener (those already closed stay so). */
    void close() {
        for (Channel listener : proxies) {
            listener.close().syncUninterruptibly();
        }
        if (admin != null) {
            admin.close().syncUninterruptibly();
        }
    }
}
