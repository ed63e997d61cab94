package dev.pier.autobahn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The worker run's result: a Worker has no "direct" to be compared with, so Autobahn's own
 * verdicts decide. Every case must be OK, NON-STRICT or INFORMATIONAL (the last two where the
 * suite leaves a choice); a FAILED or UNIMPLEMENTED one fails. Prints the cases that are not OK
 * and the counts, and writes the same text to {@code reports/worker-summary.txt}.
 */
final class AutobahnVerdicts {

    static final String WORKER = "worker";
    static final String SUMMARY = "worker-summary.txt";
    private static final Set<String> ACCEPTED = Set.of("OK", "NON-STRICT", "INFORMATIONAL");

    private AutobahnVerdicts() {
    }

    /** The "verdicts" step: fails when a case of {@code reports/worker} is neither OK, NON-STRICT nor INFORMATIONAL. */
    static void check(Path reports) throws IOException {
        Map<String, AutobahnReports.Result> results = AutobahnReports.read(reports.resolve(WORKER).resolve("index.json"));
        String text = text(results);
        Files.writeString(reports.resolve(SUMMARY), text);
        System.out.print(text);
        long bad = failures(results);
        if (bad > 0) {
            throw new IllegalStateException("autobahn: " + bad + " case(s) neither OK, NON-STRICT nor INFORMATIONAL against the echo Worker"
                    + " (table above; reports in " + reports.resolve(WORKER) + ")");
        }
    }

    /** The last step's work, for the shutdown hook when the build stopped before "verdicts". */
    static void printIfUnfinished(Path reports) {
        try {
            if (Files.exists(reports.resolve(SUMMARY))) {
                return;
            }
            Path worker = Files.isDirectory(reports.resolve(WORKER)) ? reports.resolve(WORKER) : AutobahnReports.PLUGIN_OUTPUT;
            if (Files.isRegularFile(worker.resolve("index.json"))) {
                System.out.print("\nautobahn: the build stopped before its verdicts step; here they are:\n"
                        + text(AutobahnReports.read(worker.resolve("index.json"))));
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("autobahn: no verdicts: " + e);
        }
    }

    /** Cases whose verdict is not one the suite accepts (FAILED, UNIMPLEMENTED, or one this class does not know). */
    static long failures(Map<String, AutobahnReports.Result> results) {
        return results.values().stream().filter(r -> !ACCEPTED.contains(r.behavior())).count();
    }

    static String text(Map<String, AutobahnReports.Result> results) {
        StringBuilder out = new StringBuilder();
        StringBuilder notOk = new StringBuilder();
        results.forEach((id, r) -> {
            if (!r.behavior().equals("OK")) {
                notOk.append(String.format("  %-10s %s%n", id, r));
            }
        });
        if (!notOk.isEmpty()) {
            out.append("autobahn: cases not OK against the echo Worker (behavior/behaviorClose/remoteCloseCode):\n").append(notOk);
        }
        out.append(String.format("autobahn: %-14s %6s%n", "result", WORKER));
        for (String b : AutobahnReports.BEHAVIORS) {
            out.append(String.format("autobahn: %-14s %6d%n", b, AutobahnReports.count(results, b)));
        }
        long other = results.size() - AutobahnReports.BEHAVIORS.stream().mapToLong(b -> AutobahnReports.count(results, b)).sum();
        if (other > 0) {
            out.append(String.format("autobahn: %-14s %6d%n", "other", other));
        }
        out.append(String.format("autobahn: %-14s %5.1fs%n", "case time", AutobahnReports.seconds(results)));
        out.append(String.format("autobahn: %d cases against the echo Worker, %d neither OK, NON-STRICT nor INFORMATIONAL%n",
                results.size(), failures(results)));
        return out.toString();
    }
}
