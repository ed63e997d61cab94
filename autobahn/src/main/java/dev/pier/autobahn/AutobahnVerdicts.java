package dev.pier.autobahn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Worker runs' result: a Worker has no "direct" to be compared with, so Autobahn's own
 * verdicts decide. Every case must be OK, NON-STRICT or INFORMATIONAL (the last two where the
 * suite leaves a choice); a FAILED or UNIMPLEMENTED one fails. Prints the cases that are not OK
 * and the counts, and writes the same text to {@code reports/<run>-summary.txt}. The run against
 * a hibernating Durable Object also fails unless its object was evicted and woken during the
 * run, and no event of it failed ({@link HibernationFigures}). A JavaScript run has a twin, the
 * Java API's run of the same program: when both ran in the build, each case must end as in the
 * twin's (the same {@code behavior} and {@code behaviorClose}), which the criterion on
 * {@code behavior} alone does not show (a close answered by no close frame is {@code behavior}
 * OK, {@code behaviorClose} UNCLEAN).
 */
final class AutobahnVerdicts {

    /**
     * One fuzzing run of a Worker edge.
     *
     * @param name      its reports' folder under {@code reports/}, and the prefix of its request log and summary
     * @param label     what it fuzzed, for the summary
     * @param namespace the Durable Object namespace that must have been evicted and woken during the run; null for a
     *                  stateless Worker
     * @param twin      the run of the same Worker written against the Java API, whose verdicts this one's must equal
     *                  case for case when both ran in the build; null for the Java API's own runs
     */
    record Run(String name, String label, String namespace, String twin) {

        String summary() {
            return name + "-summary.txt";
        }

        boolean hibernates() {
            return namespace != null;
        }
    }

    static final Run WORKER = new Run("worker", "the echo Worker", null, null);
    static final Run OBJECT = new Run("object", "the hibernating echo Durable Object", "echo-room.ECHO", null);
    static final Run JS_WORKER = new Run("js-worker", "the JavaScript echo Worker", null, WORKER.name());
    static final Run JS_OBJECT = new Run("js-object", "the hibernating JavaScript echo Durable Object", "echo-room-js.ECHO",
            OBJECT.name());
    private static final List<Run> RUNS = List.of(WORKER, OBJECT, JS_WORKER, JS_OBJECT);
    private static final Set<String> ACCEPTED = Set.of("OK", "NON-STRICT", "INFORMATIONAL");

    private AutobahnVerdicts() {
    }

    /** The runs named on the command line, each argument one name or several separated by spaces. */
    static List<Run> runs(String... names) {
        List<Run> runs = new ArrayList<>();
        for (String arg : names) {
            for (String name : arg.trim().split("\\s+")) {
                if (!name.isEmpty()) {
                    runs.add(run(name));
                }
            }
        }
        return runs;
    }

    /** The run called {@code name} on the command line. */
    static Run run(String name) {
        return RUNS.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown run '" + name + "' (expected: one of " + RUNS.stream().map(Run::name).toList() + ")"));
    }

    /**
     * The "verdicts" step: prints each run's verdicts, then fails when a case of any is neither
     * OK, NON-STRICT nor INFORMATIONAL, a case of a JavaScript run ends otherwise than in its
     * Java twin's run (when that ran too), or a Durable Object did not hibernate.
     */
    static void check(Path reports, List<Run> runs) throws IOException {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("verdicts: no run named (expected: one or more of "
                    + RUNS.stream().map(Run::name).toList() + ")");
        }
        StringBuilder failed = new StringBuilder();
        for (Run run : runs) {
            Map<String, AutobahnReports.Result> results = AutobahnReports.read(reports.resolve(run.name()).resolve("index.json"));
            List<HibernationFigures.Figures> figures = figures(run);
            Run twin = run.twin() != null && runs.stream().anyMatch(r -> r.name().equals(run.twin())) ? run(run.twin()) : null;
            Map<String, AutobahnReports.Result> twinResults = twin == null ? Map.of()
                    : AutobahnReports.read(reports.resolve(twin.name()).resolve("index.json"));
            List<String> differing = twin == null ? List.of() : differing(twinResults, results);
            String text = text(run, results) + figuresText(figures) + (twin == null ? "" : twinText(run, twin, twinResults, results, differing));
            Files.writeString(reports.resolve(run.summary()), text);
            System.out.print(text);
            long bad = failures(results);
            if (bad > 0) {
                failed.append(String.format("%n  %d case(s) neither OK, NON-STRICT nor INFORMATIONAL against %s (reports in %s)",
                        bad, run.label(), reports.resolve(run.name())));
            }
            if (!differing.isEmpty()) {
                failed.append(String.format("%n  %d case(s) against %s end otherwise than against %s", differing.size(),
                        run.label(), twin.label()));
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
                        + figuresText(figures(run)));
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

    /** The figures of the run's Durable Object namespace, as published in this JVM; none for a stateless Worker. */
    private static List<HibernationFigures.Figures> figures(Run run) {
        return run.hibernates()
                ? HibernationFigures.read().stream().filter(f -> f.namespace().equals(run.namespace())).toList()
                : List.of();
    }

    /**
     * The cases whose verdicts ({@code behavior} and {@code behaviorClose}) differ between the two runs, or that
     * only one of them ran, each as a row of a table; the close code alone may differ by timing
     * ({@link AutobahnReports}).
     */
    static List<String> differing(Map<String, AutobahnReports.Result> twin, Map<String, AutobahnReports.Result> results) {
        TreeSet<String> ids = new TreeSet<>(AutobahnReports.CASE_ORDER);
        ids.addAll(twin.keySet());
        ids.addAll(results.keySet());
        List<String> rows = new ArrayList<>();
        for (String id : ids) {
            AutobahnReports.Result a = twin.get(id);
            AutobahnReports.Result b = results.get(id);
            if (a == null || !a.sameAs(b)) {
                rows.add(String.format("  %-10s %-34s %-34s%n", id, a == null ? "(not run)" : a, b == null ? "(not run)" : b));
            }
        }
        return rows;
    }

    private static String twinText(Run run, Run twin, Map<String, AutobahnReports.Result> twinResults,
            Map<String, AutobahnReports.Result> results, List<String> differing) {
        StringBuilder out = new StringBuilder();
        if (!differing.isEmpty()) {
            out.append("autobahn: cases that end otherwise against ").append(run.label()).append(" than against ")
                    .append(twin.label()).append(" (behavior/behaviorClose/remoteCloseCode):\n")
                    .append(String.format("  %-10s %-34s %-34s%n", "case", twin.name(), run.name()));
            differing.forEach(out::append);
        }
        TreeSet<String> cases = new TreeSet<>(twinResults.keySet());
        cases.addAll(results.keySet());
        out.append(String.format("autobahn: %d cases against %s, %d as against %s, %d otherwise%n",
                cases.size(), run.label(), cases.size() - differing.size(), twin.label(), differing.size()));
        return out.toString();
    }

    private static String figuresText(List<HibernationFigures.Figures> figures) {
        StringBuilder out = new StringBuilder();
        figures.forEach(f -> out.append(f.text()));
        return out.toString();
    }
}
