package dev.pier.cli.control;

import dev.pier.analytics.RequestLogSink;
import dev.pier.config.PierConfig;
import dev.pier.control.CertificateFolder;
import dev.pier.control.LogpushDeliveryReports;
import dev.pier.control.StoredLogpushJobs;
import dev.pier.control.ScriptFolder;
import dev.pier.control.StoreFollower;
import dev.pier.control.StoredZones;
import dev.pier.control.api.ControlApi;
import dev.pier.control.livelogs.LiveLogPeers;
import dev.pier.control.livelogs.LiveLogSessions;
import dev.pier.control.livelogs.PostgresLiveLogPeers;
import dev.pier.control.store.JdbcStore;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoreKeys;
import dev.pier.edge.Edge;
import dev.pier.control.api.Permission;
import dev.pier.edge.admin.AdminRoute;
import dev.pier.edge.admin.MetricsReaders;
import dev.pier.logpush.DestinationTrust;
import dev.pier.logpush.LogpushNode;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * A {@code pier} process's control plane: the store named by {@code --store}, the API on the
 * admin listener, and the follower that applies every stored change to this node's edge and to
 * the Logpush jobs it runs.
 */
public final class ControlPlane implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ControlPlane.class);

    /** How often the store's change feed is read: changes reach the edge well within a second. */
    static final Duration FOLLOW = Duration.ofMillis(250);

    private final Store store;
    private final ControlApi api;
    /** This node's live log sessions (Instant Logs), fed by the edge's records and, on PostgreSQL, by the other nodes'. */
    private final LiveLogSessions liveLogs;
    /** The edge's copies of the store's certificates, as the files its TLS reads. */
    private final CertificateFolder certificates = CertificateFolder.create();
    /** The store's Logpush jobs as this node runs them; null until {@link #runLogpush}. */
    private volatile LogpushNode logpush;
    /** The edge's copies of the store's Workers scripts, as the files the JavaScript runtime reads. */
    private final ScriptFolder scripts = ScriptFolder.create();
    private StoreFollower follower;
    private volatile PierConfig base;
    private boolean closed;

    private ControlPlane(Store store, LiveLogPeers peers) {
        this.store = store;
        this.liveLogs = new LiveLogSessions(LiveLogSessions.Limits.DEFAULT, peers);
        this.api = new ControlApi(store);
        this.api.liveLogs(liveLogs);
    }

    /**
     * Opens a store: {@code embedded:DIR} (an H2 database in DIR) or a PostgreSQL JDBC URL
     * ({@code jdbc:postgresql://127.0.0.1:5432/test}; user and password from the URL's
     * {@code user} and {@code password} parameters), with the keys that encrypt its private keys
     * from this process's environment.
     */
    public static ControlPlane open(String spec) {
        return open(spec, System.getenv());
    }

    /**
     * As {@link #open(String)}, with the keys named by {@code environment}
     * ({@code PIER_STORE_KEY_FILE} or {@code PIER_STORE_KEY}). Without them an embedded store
     * uses the key file in its own folder, made on first use, and a PostgreSQL store takes no
     * private key: its nodes must share one key, which no node can make for the others.
     */
    public static ControlPlane open(String spec, Map<String, String> environment) {
        Optional<StoreKeys> configured = StoreKeys.fromEnvironment(environment);
        if (spec.startsWith("embedded:")) {
            Path dir = Path.of(spec.substring("embedded:".length()));
            return new ControlPlane(configured.isPresent() ? JdbcStore.embedded(dir, configured.get()) : JdbcStore.embedded(dir),
                    LiveLogPeers.NONE);
        }
        if (spec.startsWith("jdbc:postgresql:")) {
            if (configured.isEmpty()) {
                LOG.warn("store: no key to encrypt private keys at rest ({} or {}): certificate uploads are refused until one is set"
                        + " (docs/OPERATIONS.md)", StoreKeys.KEY_FILE_VARIABLE, StoreKeys.KEY_VARIABLE);
            }
            // live log sessions of every node stream the records of all: they meet through the store's database
            return new ControlPlane(JdbcStore.postgres(spec, null, null, configured.orElseGet(StoreKeys::none)),
                    new PostgresLiveLogPeers(spec, null, null));
        }
        throw new IllegalArgumentException("store: " + spec + " (expected: embedded:DIR or jdbc:postgresql://HOST:PORT/DB)");
    }

    public Store store() {
        return store;
    }

    public ControlApi api() {
        return api;
    }

    public List<AdminRoute> routes() {
        return List.of(new ApiRoute(api), new DashboardRoute(), new LiveLogsRoute(liveLogs));
    }

    /**
     * Runs the store's Logpush jobs on this node: each job's batches wait under {@code spoolRoot/JOB_ID};
     * https destinations are trusted as the JDK's authorities say, plus the PEM file
     * {@code PIER_LOGPUSH_CA_FILE} of {@code environment} names. The stored jobs start now, and
     * {@link #follow} applies every later change. Call it before {@link #recordSink}; the caller
     * closes the node once the edge has stopped, so the records of its last connections are spooled.
     */
    public LogpushNode runLogpush(Path spoolRoot, Map<String, String> environment) {
        String caFile = environment.get(DestinationTrust.CA_FILE_VARIABLE);
        SSLContext trust;
        try {
            trust = DestinationTrust.withCaFile(caFile == null || caFile.isBlank() ? null : Path.of(caFile));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(DestinationTrust.CA_FILE_VARIABLE + ": " + e.getMessage(), e);
        }
        LogpushNode node = new LogpushNode(spoolRoot, trust, new LogpushDeliveryReports(store));
        node.apply(StoredLogpushJobs.running(store));
        this.logpush = node;
        return node;
    }

    /**
     * The sink the edge hands its records to: {@code first} (the analytics store's, or null), then
     * the Logpush jobs (when {@link #runLogpush} started them), then the live log sessions. None of them blocks.
     */
    public RequestLogSink recordSink(RequestLogSink first) {
        return RequestLogSink.all(first, logpush, liveLogs);
    }

    /** The figures of this node's Logpush jobs (once {@link #runLogpush} started them) and live log sessions, for {@code /metrics}. */
    public MeterBinder logMetrics() {
        return new LogMetrics(logpush, liveLogs);
    }

    /** Who may read {@code /metrics} besides the file's metrics token: API tokens with Analytics Read on every zone. */
    public MetricsReaders metricsReaders() {
        return secret -> api.credentials().grantsOnEveryZone(secret, Permission.ANALYTICS_READ);
    }

    /** The edge's configuration: the file's node settings and Workers with the store's zones and Workers scripts. */
    public PierConfig config(PierConfig fileConfig) {
        this.base = fileConfig;
        return StoredZones.config(fileConfig, store, certificates, scripts);
    }

    /**
     * The node's file changed: its settings apply through the follower, the one thread that
     * rebuilds the edge's configuration, so a file reload and a store change never race.
     */
    public void fileChanged(PierConfig fileConfig) {
        this.base = fileConfig;
        follower.reapply();
    }

    /** Applies every later change in the store (or in the file's node settings) to the edge and to the Logpush jobs. */
    public void follow(Edge edge, long fromChange) {
        follower = new StoreFollower(store, fromChange, FOLLOW, change -> {
            edge.reload(StoredZones.config(base, store, certificates, scripts));
            LogpushNode jobs = logpush;
            if (jobs != null) {
                jobs.apply(StoredLogpushJobs.running(store));
            }
        });
        api.afterWrite(follower::poke); // in this process a change applies at once; other nodes read the feed
    }

    /** Stops following and closes the store; a second call does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        liveLogs.close();
        if (follower != null) {
            follower.close();
        }
        try {
            store.close();
        } finally {
            certificates.close();
            scripts.close();
        }
    }
}
