package dev.pier.autobahn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Worker runs' result: a Worker has no "direct" to be compared with, so Autobahn's own
 * verdicts decide. Every case must be OK, NON-STRICT or INFORMATIONAL (the last two where the
 * suite leaves a choice); a FAILED or UNIMPLEMENTED one fails. Prints the cases that are not OK
 * and the counts, and writes the same text to {@code reports/<run>-summary.txt}. The run against
 * the hibernating Durable Object also fails unless its object was evicted and woken during the
 * run, and no event of it failed ({@link HibernationFigures}).
 */
final class AutobahnVerdicts {

    /**
     * One fuzzing run of a Worker edge.
     *
     * @param name       its reports' folder under {@code reports/}, and the prefix of its request log and summary
     * @param label      what it fuzzed, for the summary
     * @param hibernates whether it fuzzed a Durable Object that must have been evicted and woken
     */
    record Run(String name, String label, boolean hibernates) {

        String summary() {
            return name + "-summary.txt";
        }
    }

    static final Run WORKER = new Run("worker", "the echo Worker", false);
    static final Run OBJECT = new Run("object", "the hibernating echo Durable Object", true);
    private static final Set<String> ACCEPTED = Set.of("OK", "NON-STRICT", "INFORMATIONAL");

    private AutobahnVerdicts() {
    }

    /** The run called {@code name} on the command line. */
    static Run run(String name) {
        return switch (name) {
            case "worker" -> WORKER;
            case "object" -> OBJECT;
            default -> throw new IllegalArgumentException("unknown run " + name + " (expected: worker or object)");
        };
    }

    /**
     * The "verdicts" step: prints each run's verdicts, then fails when a case of any is neither
     * OK, NON-STRICT nor INFORMATIONAL, or a Durable Object did not hibernate.
     */
    static void check(Path reports, List<Run> runs) throws IOException {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("verdicts: no run named (expected: worker, object or both)");
        }
        StringBuilder failed = new StringBuilder();
        for (Run run : runs) {
            Map<String, AutobahnReports.Result> results = AutobahnReports.read(reports.resolve(run.name()).resolve("index.json"));
            List<HibernationFigures.Figures> figures = run.hibernates() ? HibernationFigures.read() : List.of();
            String text = text(run, results) + figuresText(figures);
            Files.writeString(reports.resolve(run.summary()), text);
            System.out.print(text);
            long bad = failures(results);
            if (bad > 0) {
                failed.append(String.format("%n  %d case(s) neither OK, NON-STRICT nor INFORMATIONAL against %s (reports in %s)",
                        bad, run.label(), reports.resolve(run.name())));
            }
            if (run.hibernates()) {
                String why = notHibernated(figures);
                if (why != null) {
                    failed.append(String.format("%n  %s: %s", run.label(), why));
                }
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("autobahn: verdicts (above):" + failed);
        }
    }

    /** Why the figures do not show a Durable Object that hibernated during the run without failing; null when they do. */
    static String notHibernated(List<HibernationFigures.Figures> figures) {
        if (figures.isEmpty()) {
            return "no Durable Object figures in this JVM (the verdicts step runs in the Maven build that ran the servers)";
        }
        for (HibernationFigures.Figures f : figures) {
            if (!f.hibernated()) {
                return f.namespace() + " was not evicted and woken during the run (" + f.evictions() + " evictions, "
                        + f.wakeUps() + " wake-ups): hibernation went untested";
            }
            if (f.errors() > 0) {
                return f.namespace() + " failed " + f.errors() + " event(s) (its log says why)";
            }
        }
        return null;
    }

    /** The last step's work, for the shutdown hook when the build stopped before "verdicts". */
    static void printIfUnfinished(Path reports, Run run) {
        try {
            if (Files.exists(reports.resolve(run.summary()))) {
                return;
            }
            Path dir = Files.isDirectory(reports.resolve(run.name())) ? reports.resolve(run.name()) : AutobahnReports.PLUGIN_OUTPUT;
            if (Files.isRegularFile(dir.resolve("index.json"))) {
                System.out.print("\nautobahn: the build stopped before its verdicts step; here they are for " + run.label() + ":\n"
                        + text(run, AutobahnReports.read(dir.resolve("index.json")))
                        + figuresText(run.hibernates() ? HibernationFigures.read() : List.of()));
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("autobahn: no verdicts for " + run.label() + ": " + e);
        }
    }

    /** Cases whose verdict is not one the suite accepts (FAILED, UNIMPLEMENTED, or one this class does not know). */
    static long failures(Map<String, AutobahnReports.Result> results) {
        return results.values().stream().filter(r -> !ACCEPTED.contains(r.behavior())).count();
    }

    static String text(Run run, Map<String, AutobahnReports.Result> results) {
        StringBuilder out = new StringBuilder();
        StringBuilder notOk = new StringBuilder();
        results.forEach((id, r) -> {
            if (!r.behavior().equals("OK")) {
                notOk.append(String.format("  %-10s %s%n", id, r));
            }
        });
        if (!notOk.isEmpty()) {
            out.append("autobahn: cases not OK against ").append(run.label())
                    .append(" (behavior/behaviorClose/remoteCloseCode):\n").append(notOk);
        }
        out.append(String.format("autobahn: %-14s %6s%n", "result", run.name()));
        for (String b : AutobahnReports.BEHAVIORS) {
            out.append(String.format("autobahn: %-14s %6d%n", b, AutobahnReports.count(results, b)));
        }
        long other = results.size() - AutobahnReports.BEHAVIORS.stream().mapToLong(b -> AutobahnReports.count(results, b)).sum();
        if (other > 0) {
            out.append(String.format("autobahn: %-14s %6d%n", "other", other));
        }
        out.append(String.format("autobahn: %-14s %5.1fs%n", "case time", AutobahnReports.seconds(results)));
        out.append(String.format("autobahn: %d cases against %s, %d neither OK, NON-STRICT nor INFORMATIONAL%n",
                results.size(), run.label(), failures(results)));
        return out.toString();
    }

    private static String figuresText(List<HibernationFigures.Figures> figures) {
        StringBuilder out = new StringBuilder();
        figures.forEach(f -> out.append(f.text()));
        return out.toString();
    }
}
