package dev.pier.autobahn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdicts step on reports shaped as Autobahn's {@code index.json}: a JavaScript run passes
 * only when each of its cases ends as in its Java twin's run of the same build, and is judged on
 * Autobahn's verdicts alone when the twin did not run.
 */
class AutobahnVerdictsTest {

    @TempDir
    Path reports;

    /** Writes {@code reports/<run>/index.json} with one case per entry: id → "behavior/behaviorClose/closeCode". */
    private void report(String run, Map<String, String> cases) throws IOException {
        String body = cases.entrySet().stream().map(e -> {
            String[] v = e.getValue().split("/");
            return """
                    "%s": {"behavior": "%s", "behaviorClose": "%s", "remoteCloseCode": %s, "duration": 3}"""
                    .formatted(e.getKey(), v[0], v[1], v[2]);
        }).collect(Collectors.joining(",\n"));
        Files.createDirectories(reports.resolve(run));
        Files.writeString(reports.resolve(run).resolve("index.json"), "{\"AutobahnJava\": {\n" + body + "\n}}");
    }

    private static final Map<String, String> JAVA = Map.of(
            "1.1.1", "OK/OK/1000",
            "6.4.3", "NON-STRICT/OK/1007",
            "7.13.1", "INFORMATIONAL/INFORMATIONAL/1002");

    @Test
    void aJavaScriptRunThatEndsEveryCaseAsItsJavaTwinPasses() throws IOException {
        report("worker", JAVA);
        // The close code alone may differ by timing: not a difference.
        report("js-worker", Map.of("1.1.1", "OK/OK/1000", "6.4.3", "NON-STRICT/OK/1007", "7.13.1", "INFORMATIONAL/INFORMATIONAL/null"));

        AutobahnVerdicts.check(reports, AutobahnVerdicts.runs("worker js-worker"));

        assertThat(reports.resolve("js-worker-summary.txt")).content()
                .contains("3 cases against the JavaScript echo Worker, 0 neither OK, NON-STRICT nor INFORMATIONAL")
                .contains("3 cases against the JavaScript echo Worker, 3 as against the echo Worker, 0 otherwise");
    }

    @Test
    void aCaseThatAutobahnAcceptsButThatEndsOtherwiseThanInTheJavaRunFails() throws IOException {
        report("worker", JAVA);
        report("js-worker", Map.of("1.1.1", "OK/OK/1000", "6.4.3", "OK/OK/1007", "7.13.1", "INFORMATIONAL/INFORMATIONAL/1002"));

        assertThatThrownBy(() -> AutobahnVerdicts.check(reports, AutobahnVerdicts.runs("worker", "js-worker")))
                .hasMessageContaining("1 case(s) against the JavaScript echo Worker end otherwise than against the echo Worker");
        assertThat(reports.resolve("js-worker-summary.txt")).content()
                .containsPattern("6\\.4\\.3 +NON-STRICT/OK/1007 +OK/OK/1007")
                .contains("3 cases against the JavaScript echo Worker, 2 as against the echo Worker, 1 otherwise");
    }

    @Test
    void aCaseOnlyOneOfTheTwoRunsRanIsADifference() throws IOException {
        report("worker", JAVA);
        report("js-worker", Map.of("1.1.1", "OK/OK/1000", "6.4.3", "NON-STRICT/OK/1007"));

        assertThatThrownBy(() -> AutobahnVerdicts.check(reports, AutobahnVerdicts.runs("worker js-worker")))
                .hasMessageContaining("1 case(s) against the JavaScript echo Worker end otherwise");
        assertThat(reports.resolve("js-worker-summary.txt")).content().containsPattern("7\\.13\\.1 +INFORMATIONAL/INFORMATIONAL/1002 +\\(not run\\)");
    }

    @Test
    void withoutItsTwinAJavaScriptRunIsJudgedOnAutobahnsVerdictsAlone() throws IOException {
        report("js-worker", Map.of("1.1.1", "OK/OK/1000", "6.4.3", "OK/OK/1007"));
        AutobahnVerdicts.check(reports, AutobahnVerdicts.runs("js-worker"));
        assertThat(reports.resolve("js-worker-summary.txt")).content().doesNotContain("as against");

        report("js-worker", Map.of("1.1.1", "OK/OK/1000", "5.1", "FAILED/OK/1000"));
        assertThatThrownBy(() -> AutobahnVerdicts.check(reports, AutobahnVerdicts.runs("js-worker")))
                .hasMessageContaining("1 case(s) neither OK, NON-STRICT nor INFORMATIONAL against the JavaScript echo Worker");
    }

    @Test
    void runsAreNamedOnePerArgumentOrSeveralSeparatedBySpaces() {
        assertThat(AutobahnVerdicts.runs(" worker  js-worker", "object").stream().map(AutobahnVerdicts.Run::name))
                .containsExactly("worker", "js-worker", "object");
        assertThat(AutobahnVerdicts.run("js-worker").twin()).isEqualTo("worker");
        assertThat(AutobahnVerdicts.run("js-object").twin()).isEqualTo("object");
        assertThatThrownBy(() -> AutobahnVerdicts.runs("worker jsworker"))
                .hasMessage("unknown run 'jsworker' (expected: one of " + List.of("worker", "object", "js-worker", "js-object") + ")");
        assertThatThrownBy(() -> AutobahnVerdicts.check(reports, AutobahnVerdicts.runs(" ")))
                .hasMessageStartingWith("verdicts: no run named (expected: one or more of");
    }
}
