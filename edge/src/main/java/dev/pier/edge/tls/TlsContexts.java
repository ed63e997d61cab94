package dev.pier.edge.tls;

import dev.pier.config.CertificateFiles;
import dev.pier.config.Certificates;
import dev.pier.config.PierConfig;
import dev.pier.config.SslMode;
import dev.pier.config.Zone;
import dev.pier.config.ZoneNames;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS contexts of one configuration snapshot, built once when it loads (so a certificate
 * change takes effect on reload, for new connections only): server contexts by host name for
 * SNI, the default one, and client contexts toward each zone's origins. A context whose
 * certificate, key and settings did not change is taken over from the snapshot before, so a
 * reload builds only what changed.
 */
public final class TlsContexts {

    private static final Logger logger = LoggerFactory.getLogger(TlsContexts.class);
    private static final AtomicBoolean providerLogged = new AtomicBoolean();
    private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_1_1);

    /**
     * What the edge offers its clients: Mozilla's "intermediate" profile without its DHE suites,
     * so every TLS 1.2 key exchange is ECDHE (forward secrecy) and every cipher an AEAD (no CBC,
     * so no LUCKY13 or padding oracles), then TLS 1.3's three suites. Clients that can do
     * neither fail the handshake. (Netty's default list has CBC suites and static-RSA key
     * exchange.)
     */
    static final List<String> CLIENT_FACING_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** No TLS anywhere: for configurations without TLS listeners or TLS origins. */
    public static final TlsContexts NONE = new TlsContexts(Map.of(), null, true, Map.of(), Map.of(), Map.of(), ZoneNames.of(List.of()));

    private final Map<String, SslContext> byHost;      // exact names and "*.suffix" wildcards
    private final SslContext fallback;
    private final boolean rejectUnknown;
    private final Map<String, SslContext> toOrigins;   // by zone name
    // every context above, by what it was built from, for the next snapshot to take over
    private final Map<ServerInputs, Server> servers;
    private final Map<ClientInputs, SslContext> clients;
    private final ZoneNames zoneNames;

    private TlsContexts(Map<String, SslContext> byHost, SslContext fallback, boolean rejectUnknown,
                        Map<String, SslContext> toOrigins, Map<ServerInputs, Server> servers, Map<ClientInputs, SslContext> clients,
                        ZoneNames zoneNames) {
        this.byHost = byHost;
        this.fallback = fallback;
        this.rejectUnknown = rejectUnknown;
        this.toOrigins = toOrigins;
        this.servers = servers;
        this.clients = clients;
        this.zoneNames = zoneNames;
    }

    /** What a server context is built from: the files' contents (a renewal may keep their names) and the minimum version. */
    private record ServerInputs(String certificateAndKeySha256, String minTlsVersion) {
    }

    /** A server context and the certificate it presents. */
    private record Server(SslContext context, X509Certificate leaf) {
    }

    /** What a client context toward origins is built from. */
    private record ClientInputs(SslMode mode, String originCa) {
    }

    /**
     * BoringSSL through netty-tcnative when it loads, else the JDK's TLS (said once in the log);
     * {@code -Dpier.tls=jdk} chooses the JDK's TLS.
     */
    public static SslProvider provider() {
        boolean jdkAsked = "jdk".equals(System.getProperty("pier.tls"));
        SslProvider provider = !jdkAsked && OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        if (providerLogged.compareAndSet(false, true)) {
            if (provider == SslProvider.OPENSSL) {
                logger.info("TLS: {} via netty-tcnative", OpenSsl.versionString());
            } else if (jdkAsked) {
                logger.info("TLS: the JDK's TLS (-Dpier.tls=jdk)");
            } else {
                logger.warn("TLS: the native library could not load ({}); using the JDK's TLS", OpenSsl.unavailabilityCause().toString());
            }
        }
        return provider;
    }

    /** Builds every context the configuration needs; a bad certificate or key fails with its file named. */
    public static TlsContexts of(PierConfig config) {
        return of(config, null);
    }

    /**
     * Builds every context the configuration needs, taking over from {@code previous} (null:
     * none) each one built from the same inputs; a bad certificate or key fails with its file
     * named.
     */
    public static TlsContexts of(PierConfig config, TlsContexts previous) {
        boolean tlsListeners = config.listeners().stream().anyMatch(l -> l.tls());
        boolean tlsOrigins = config.zones().stream().anyMatch(z -> z.settings().ssl().tlsToOrigin());
        if (!tlsListeners && !tlsOrigins) {
            return NONE;
        }
        ZoneNames zoneNames = ZoneNames.of(config.zones().stream().map(Zone::name).toList());
        Map<ServerInputs, Server> servers = new HashMap<>();
        Map<ClientInputs, SslContext> clients = new HashMap<>();
        Map<String, SslContext> byHost = new HashMap<>();
        // a name served by several certificates gets the one valid longest (a renewal wins over
        // the certificate it renews; on a tie, the later one listed)
        Map<String, Date> expiry = new HashMap<>();
        Map<String, SslContext> toOrigins = new HashMap<>();
        for (Zone zone : config.zones()) {
            for (CertificateFiles files : zone.certificates()) {
                Server server = serverFor(files, zone.settings().minTlsVersion(), servers, previous);
                X509Certificate leaf = server.leaf();
                for (String name : Certificates.dnsNames(leaf)) {
                    if (zoneNames.ownedByAnother(zone.name(), name)) {
                        continue; // a nested zone's name: only that zone's certificates serve it
                    }
                    Date current = expiry.get(name);
                    if (current == null || !leaf.getNotAfter().before(current)) {
                        byHost.put(name, server.context());
                        expiry.put(name, leaf.getNotAfter());
                    }
                }
            }
            if (zone.settings().ssl().tlsToOrigin()) {
                SslContext client = clients.computeIfAbsent(new ClientInputs(zone.settings().ssl(), zone.originCa()),
                        inputs -> previous != null && previous.clients.containsKey(inputs) ? previous.clients.get(inputs) : client(zone));
                toOrigins.put(zone.name(), client);
            }
        }
        CertificateFiles defaultFiles = config.tls().defaultCertificate();
        SslContext fallback = defaultFiles == null ? null : serverFor(defaultFiles, "1.2", servers, previous).context();
        return new TlsContexts(Map.copyOf(byHost), fallback, config.tls().rejectUnknownSni(), Map.copyOf(toOrigins),
                Map.copyOf(servers), Map.copyOf(clients), zoneNames);
    }

    /** The server context for these files, built once per snapshot and taken over from {@code previous} when it has it. */
    private static Server serverFor(CertificateFiles files, String minTlsVersion, Map<ServerInputs, Server> servers,
                                    TlsContexts previous) {
        return servers.computeIfAbsent(new ServerInputs(sha256(files), minTlsVersion), inputs -> {
            Server before = previous == null ? null : previous.servers.get(inputs);
            return before != null ? before
                    : new Server(server(files, minTlsVersion), Certificates.read(files.certificate()).get(0));
        });
    }

    /** The SHA-256 of a certificate file and its key file, together. */
    private static String sha256(CertificateFiles files) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Files.readAllBytes(files.certificate()));
            digest.update((byte) 0);
            digest.update(Files.readAllBytes(files.key()));
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new IllegalArgumentException("certificate " + files.certificate() + " with key " + files.key()
                    + ": cannot be read (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static SslContext server(CertificateFiles files, String minTlsVersion) {
        return server(files, minTlsVersion, provider());
    }

    /** A server context with this provider (tests build one with each). */
    static SslContext server(CertificateFiles files, String minTlsVersion, SslProvider provider) {
        try {
            return SslContextBuilder.forServer(files.certificate().toFile(), files.key().toFile())
                    .sslProvider(provider)
                    .trustManager(NoClientCertificates.INSTANCE)
                    // The key store is Netty's, in memory, for a moment: JKS protects the key in it
                    // at a fraction of the cost of PKCS12's 10,000 rounds of PBKDF2.
                    .keyStoreType("JKS")
                    .protocols(protocols(minTlsVersion))
                    .ciphers(CLIENT_FACING_CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(ALPN)
                    .sessionCacheSize(20_000)
                    .sessionTimeout(300)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("certificate " + files.certificate() + " with key " + files.key()
                    + ": cannot be used (" + e.getMessage() + ")", e);
        }
    }

    private static SslContext client(Zone zone) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .sslProvider(provider())
                    .protocols(protocols("1.2"))
                    .applicationProtocolConfig(ALPN);
            if (zone.settings().ssl() == SslMode.FULL) {
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE); // Cloudflare's "full": encrypted, not verified
            } else if (zone.originCa() != null) {
                builder.trustManager(Certificates.parse(zone.originCa()).toArray(X509Certificate[]::new));
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("zones[" + zone.name() + "].origin_ca: cannot be used (" + e.getMessage() + ")", e);
        }
    }

    private static String[] protocols(String minTlsVersion) {
        return "1.3".equals(minTlsVersion) ? new String[] {"TLSv1.3"} : new String[] {"TLSv1.3", "TLSv1.2"};
    }

    /**
     * The server context for an SNI host name (null when the client sent none): an exact
     * certificate name, else a wildcard one level up, else the default.
     *
     * @throws SSLException when nothing matches and unknown names are rejected
     */
    public SslContext forSni(String hostname) throws SSLException {
        if (hostname != null) {
            String host = hostname.toLowerCase(Locale.ROOT);
            SslContext context = byHost.get(host);
            int dot = host.indexOf('.');
            // a zone's own name is never served by its parent zone's wildcard
            if (context == null && dot > 0 && !zoneNames.isZone(host)) {
                context = byHost.get("*" + host.substring(dot));
            }
            if (context != null) {
                return context;
            }
        }
        if (fallback != null && !rejectUnknown) {
            return fallback;
        }
        throw new SSLException("no certificate for " + (hostname == null ? "a client without SNI" : "SNI " + hostname));
    }

    /** The client context toward a zone's origins, or null when the zone talks to them in plain HTTP. */
    public SslContext toOrigin(String zoneName) {
        return toOrigins.get(zoneName);
    }

}
