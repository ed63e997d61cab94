package dev.pier.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.Certificates;
import dev.pier.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A nested zone's names are served by its own certificates only: a parent zone's certificate
 * naming them, even one valid far longer, does not take them, and the parent's wildcard does
 * not cover the nested zone's own name.
 */
class NestedZoneCertificatesTest {

    @TempDir
    Path dir;

    @Test
    void aParentZonesCertificateNeverServesANestedZonesNames() throws Exception {
        Instant now = Instant.now();
        Certificates.selfSigned(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(36_500)),
                "example.com", "*.example.com", "api.sub.example.com").write(dir.resolve("parent.pem"), dir.resolve("parent.key"));
        Certificates.selfSigned("api.sub.example.com", "only.sub.example.com").write(dir.resolve("nested.pem"), dir.resolve("nested.key"));
        Certificates.selfSigned("default.test").write(dir.resolve("default.pem"), dir.resolve("default.key"));
        for (String order : new String[] {"parent first", "nested first"}) {
            String parent = """
                      - name: example.com
                        certificates: [ { certificate: parent.pem, key: parent.key } ]
                        dns_records: [ { type: A, name: example.com, content: 127.0.0.1 } ]
                    """;
            String nested = """
                      - name: sub.example.com
                        certificates: [ { certificate: nested.pem, key: nested.key } ]
                        dns_records: [ { type: A, name: api.sub.example.com, content: 127.0.0.1 } ]
                    """;
            TlsContexts tls = TlsContexts.of(ConfigLoader.parse("""
                    listeners: [ { address: 127.0.0.1:0, tls: on } ]
                    tls: { default_certificate: { certificate: default.pem, key: default.key } }
                    zones:
                    """ + (order.equals("parent first") ? parent + nested : nested + parent), dir));

            assertThat(tls.forSni("api.sub.example.com")).as(order).isSameAs(tls.forSni("only.sub.example.com"));
            assertThat(tls.forSni("example.com")).as(order).isNotSameAs(tls.forSni("only.sub.example.com"));
            assertThat(tls.forSni("www.example.com")).as(order + ": the parent's wildcard").isSameAs(tls.forSni("example.com"));
            assertThat(tls.forSni("sub.example.com")).as(order + ": the nested zone's own name").isSameAs(tls.forSni("unknown.test"));
        }
    }
}
