package dev.pier.control.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The store contract on the embedded H2 database, which also survives a restart. */
class EmbeddedStoreTest extends StoreContract {

    private Path dir;

    @Override
    protected Store open() throws Exception {
        dir = Files.createTempDirectory("pier-store");
        return JdbcStore.embedded(dir);
    }

    @Test
    void whatWasWrittenIsThereAfterARestart() {
        StoredZone z = store.createZone("example.com", "alice");
        store.close();
        store = JdbcStore.embedded(dir);
        assertThat(store.zone(z.id())).contains(z);
        assertThat(store.lastChange()).isEqualTo(1);
    }

    /**
     * A token issued with every permission before Workers Routes, Logs and Workers Scripts Read and Write
     * existed is still an administrator once the store is migrated (every migration that adds permissions
     * gives them to it); a token with fewer permissions gains nothing.
     */
    @Test
    void tokensWithEveryPermissionOfTheirTimeGainThePermissionsMadeSince() throws Exception {
        store.close();
        Path old = Files.createTempDirectory("pier-store");
        String url = "jdbc:h2:file:" + old.resolve("pier-store").toAbsolutePath();
        org.flywaydb.core.Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("4").load().migrate();
        java.util.Set<String> before = new java.util.TreeSet<>();
        for (dev.pier.control.api.Permission p : dev.pier.control.api.Permission.values()) {
            before.add(p.label());
        }
        java.util.Set<String> all = new java.util.TreeSet<>(before);
        before.removeAll(java.util.Set.of("Workers Routes Read", "Workers Routes Write", "Logs Read", "Logs Write",
                "Workers Scripts Read", "Workers Scripts Write"));
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url)) {
            c.createStatement().execute("INSERT INTO api_tokens VALUES ('a', 'admin', '" + "a".repeat(64) + "', '"
                    + String.join(",", before) + "', '', 'active', CURRENT_TIMESTAMP)");
            c.createStatement().execute("INSERT INTO api_tokens VALUES ('b', 'dns', '" + "b".repeat(64) + "', 'DNS Write', '', 'active',"
                    + " CURRENT_TIMESTAMP)");
        }
        store = JdbcStore.embedded(old);
        assertThat(store.tokenByHash("a".repeat(64)).orElseThrow().permissions()).containsExactlyInAnyOrderElementsOf(all);
        assertThat(store.tokenByHash("b".repeat(64)).orElseThrow().permissions()).containsExactly("DNS Write");
    }

    /**
     * The store is open to other processes (a Pier taking over, {@code pier token}) through the
     * server H2 runs beside it, whose address is in the lock file: it listens on loopback only.
     */
    @Test
    void theServerForOtherProcessesListensOnLoopbackOnly() throws Exception {
        java.util.Properties lock = new java.util.Properties();
        try (var in = Files.newInputStream(dir.resolve("pier-store.lock.db"))) {
            lock.load(in);
        }
        String server = lock.getProperty("server");
        assertThat(server).as("the lock file names the server").matches("localhost:\\d+");
        int port = Integer.parseInt(server.substring(server.indexOf(':') + 1));
        try (java.net.Socket loopback = new java.net.Socket("127.0.0.1", port)) {
            assertThat(loopback.isConnected()).isTrue();
        }
        for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (java.net.InetAddress address : java.util.Collections.list(nic.getInetAddresses())) {
                if (address.isLoopbackAddress() || address.isLinkLocalAddress()) {
                    continue;
                }
                try (java.net.Socket other = new java.net.Socket()) {
                    org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> other.connect(new java.net.InetSocketAddress(address, port), 2_000))
                            .as("the store's server on " + address).isInstanceOf(java.io.IOException.class);
                }
            }
        }
    }
}
