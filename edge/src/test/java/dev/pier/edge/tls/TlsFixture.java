package dev.pier.edge.tls;

import dev.pier.config.Certificates;
import dev.pier.edge.support.JettyOrigin;
import dev.pier.edge.support.TestEdge;
import dev.pier.edge.support.TestTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the TLS tests share: certificates made for the run (the edge's for localhost and
 * *.localhost, an origin's for localhost, a stranger's for another name), a plain Jetty origin,
 * TLS Jetty origins with each certificate, and edges configured from YAML with a TLS listener.
 */
abstract class TlsFixture {

    @TempDir
    static Path dir;
    static Certificates.SelfSigned edgeCert;
    static Certificates.SelfSigned originCert;
    static Certificates.SelfSigned strangerCert;
    static JettyOrigin plainOrigin;
    static JettyOrigin tlsOrigin;
    static JettyOrigin wrongNameOrigin;
    static SSLContext clientTls;

    @BeforeAll
    static void startTls() throws Exception {
        edgeCert = TestTls.write(dir, "edge", "localhost", "*.localhost");
        originCert = TestTls.write(dir, "origin", "localhost");
        strangerCert = TestTls.write(dir, "stranger", "somewhere.else");
        plainOrigin = new JettyOrigin();
        tlsOrigin = new JettyOrigin(TestTls.jettyServer(originCert));
        wrongNameOrigin = new JettyOrigin(TestTls.jettyServer(strangerCert));
        clientTls = TestTls.trusting(edgeCert.certificate());
    }

    @AfterAll
    static void stopTls() throws Exception {
        plainOrigin.close();
        tlsOrigin.close();
        wrongNameOrigin.close();
    }

    static String yaml(int originPort, String settings, String zoneExtra) {
        return TestEdge.zoneYaml("localhost", originPort, settings)
                .replace("  - address: 127.0.0.1:0\n", "  - address: 127.0.0.1:0\n    tls: on\n")
                .replace("    dns_records:", "    certificates:\n      - { certificate: edge.pem, key: edge.key }\n" + zoneExtra + "    dns_records:");
    }

    static TestEdge edge(int originPort, String settings, String zoneExtra) throws IOException {
        Path config = dir.resolve("pier.yaml");
        Files.writeString(config, yaml(originPort, settings, zoneExtra));
        return TestEdge.fromFile(config);
    }

}
