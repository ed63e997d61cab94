package dev.pier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.cli.control.ControlPlane;
import dev.pier.control.store.AuditEntry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TokenCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int pier(String... args) {
        CommandLine cli = PierCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private String store() {
        return "embedded:" + dir.resolve("store");
    }

    private List<AuditEntry> tokensIssued() {
        try (ControlPlane control = ControlPlane.open(store())) {
            return control.store().audit(Set.of(), 1, 50).items().stream()
                    .filter(e -> e.resourceType().equals("api_token")).toList();
        }
    }

    private String zone() {
        try (ControlPlane control = ControlPlane.open(store())) {
            return control.store().createZone("example.com", "test").id();
        }
    }

    @Test
    void aBlankZoneIsRefusedAndIssuesNoToken() {
        zone();
        assertThat(pier("token", "--store", store(), "--name", "ci", "--zone", "")).isEqualTo(2);
        assertThat(err.toString()).contains("--zone: '' (expected: the id of a zone in the store, 32 hex characters)");
        assertThat(tokensIssued()).isEmpty();
    }

    @Test
    void malformedAndUnknownZonesAreRefused() {
        String id = zone();
        assertThat(pier("token", "--store", store(), "--name", "ci", "--zone", "," + id)).isEqualTo(2);
        assertThat(pier("token", "--store", store(), "--name", "ci", "--zone", id.toUpperCase())).isEqualTo(2);
        assertThat(pier("token", "--store", store(), "--name", "ci", "--zone", "0".repeat(32))).isEqualTo(2);
        assertThat(err.toString()).contains("--zone: '" + "0".repeat(32) + "' (expected: the id of a zone in the store");
        assertThat(tokensIssued()).isEmpty();
    }

    @Test
    void aZoneInTheStoreScopesTheToken() {
        String id = zone();
        assertThat(pier("token", "--store", store(), "--name", "ci", "--zone", id)).isZero();
        assertThat(out.toString()).startsWith("API token: ");
        assertThat(tokensIssued()).singleElement().satisfies(e -> assertThat(e.after()).contains(id));
    }
}
