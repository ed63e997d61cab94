package dev.pier.autobahn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Moves the Autobahn plugin's reports aside after each run and compares them.
 *
 * <pre>
 * AutobahnReports clear   &lt;target&gt;            removes old reports
 * AutobahnReports collect &lt;target&gt; &lt;name&gt;     ./target/autobahntestsuite-reports -> &lt;target&gt;/reports/&lt;name&gt;
 * AutobahnReports compare &lt;target&gt;            direct vs pier: fails when any case differs
 * AutobahnReports verdicts &lt;target&gt; &lt;run&gt;...  the Worker runs: fails on any FAILED or UNIMPLEMENTED case, and
 *                                          on any JavaScript run's case that ends otherwise than its Java twin's
 * </pre>
 *
 * A case is the same through Pier when its {@code behavior} and {@code behaviorClose} in
 * index.json (Autobahn's verdicts on the exchange and on the closing) equal the direct run's.
 * A different {@code remoteCloseCode} under equal verdicts is listed but does not fail: when
 * the origin fails a connection (close frame, then TCP close) while the fuzzer is still sending,
 * the fuzzer's kernel may reset the connection before the close frame is read, directly or not
 * (seen on 3.4 directly: no code; through Pier: 1002). Durations are ignored.
 */
public final class AutobahnReports {

    /** Where the plugin writes, relative to the working directory (fixed in plugin 0.1.5). */
    static final Path PLUGIN_OUTPUT = Path.of("target", "autobahntestsuite-reports");
    /** The folder under the build directory with the collected reports. */
    static final String REPORTS = "reports";
    static final String SUMMARY = "summary.txt";
    static final List<String> BEHAVIORS = List.of("OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED");
    private static final ObjectMapper JSON = new ObjectMapper();

    private AutobahnReports() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: clear|collect|compare|verdicts <target dir> [direct|pier|worker|object|js-worker...]");
        }
        Path reports = Path.of(args[1]).resolve(REPORTS);
        switch (args[0]) {
            case "clear" -> {
                deleteTree(reports);
                deleteTree(PLUGIN_OUTPUT);
                deleteTree(Path.of(args[1]).resolve("autobahntestsuite-reports"));
            }
            case "collect" -> collect(reports.resolve(args[2]));
            case "verdicts" -> AutobahnVerdicts.check(reports, AutobahnVerdicts.runs(Arrays.copyOfRange(args, 2, args.length)));
            case "compare" -> {
                Comparison c = compare(reports.resolve("direct"), reports.resolve("pier"));
                Files.writeString(reports.resolve(SUMMARY), c.text());
                System.out.print(c.text());
                if (c.differences() > 0) {
                    throw new IllegalStateException("autobahn: " + c.differences()
                            + " case(s) end differently through Pier than directly (table above; reports in " + reports + ")");
                }
            }
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static void collect(Path destination) throws IOException {
        Path source = PLUGIN_OUTPUT.toAbsolutePath();
        if (!Files.isRegularFile(source.resolve("index.json"))) {
            throw new IllegalStateException("autobahn: no " + source.resolve("index.json")
                    + " (run Maven from the autobahn folder; see run.sh)");
        }
        deleteTree(destination);
        Files.createDirectories(destination.getParent());
        Files.move(source, destination, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("autobahn: report moved to " + destination);
    }

    /** The last step's work, for the shutdown hook when the build stopped before "compare". */
    static void compareIfUnfinished(Path reports) {
        try {
            if (Files.exists(reports.resolve(SUMMARY)) || !Files.isDirectory(reports.resolve("direct"))) {
                return;
            }
            Path pier = Files.isDirectory(reports.resolve("pier")) ? reports.resolve("pier") : PLUGIN_OUTPUT;
            if (Files.isRegularFile(pier.resolve("index.json"))) {
                Comparison c = compare(reports.resolve("direct"), pier);
                System.out.print("\nautobahn: the build stopped before its comparison step; here it is:\n" + c.text());
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("autobahn: no comparison: " + e);
        }
    }

    record Result(String behavior, String behaviorClose, String remoteCloseCode, long duration) {
        /** Autobahn's two verdicts; the close code alone can differ by timing (see class comment). */
        boolean sameAs(Result other) {
            return other != null && behavior.equals(other.behavior) && behaviorClose.equals(other.behaviorClose);
        }

        @Override
        public String toString() {
            return behavior + "/" + behaviorClose + "/" + remoteCloseCode;
        }
    }

    record Comparison(String text, int differences) {
    }

    static Comparison compare(Path directDir, Path pierDir) throws IOException {
        Map<String, Result> direct = read(directDir.resolve("index.json"));
        Map<String, Result> pier = read(pierDir.resolve("index.json"));
        TreeSet<String> ids = new TreeSet<>(CASE_ORDER);
        ids.addAll(direct.keySet());
        ids.addAll(pier.keySet());

        StringBuilder out = new StringBuilder();
        List<String> differing = new ArrayList<>();
        List<String> closeCodes = new ArrayList<>();
        for (String id : ids) {
            Result d = direct.get(id);
            Result p = pier.get(id);
            String row = String.format("  %-10s %-34s %-34s%n", id, d == null ? "(not run)" : d, p == null ? "(not run)" : p);
            if (d == null || !d.sameAs(p)) {
                differing.add(row);
            } else if (!Objects.equals(d.remoteCloseCode(), p.remoteCloseCode())) {
                closeCodes.add(row);
            }
        }
        String header = String.format("  %-10s %-34s %-34s%n", "case", "direct", "through Pier");
        if (!closeCodes.isEmpty()) {
            out.append("autobahn: same verdicts, other close code received (not counted as different):\n").append(header);
            closeCodes.forEach(out::append);
        }
        if (!differing.isEmpty()) {
            out.append("autobahn: cases that end differently through Pier (behavior/behaviorClose/remoteCloseCode):\n")
                    .append(header);
            differing.forEach(out::append);
        }
        out.append(String.format("autobahn: %-14s %6s %6s%n", "result", "direct", "pier"));
        for (String b : BEHAVIORS) {
            out.append(String.format("autobahn: %-14s %6d %6d%n", b, count(direct, b), count(pier, b)));
        }
        for (String b : otherBehaviors(direct, pier)) {
            out.append(String.format("autobahn: %-14s %6d %6d%n", b, count(direct, b), count(pier, b)));
        }
        out.append(String.format("autobahn: %-14s %5.1fs %5.1fs%n", "case time", seconds(direct), seconds(pier)));
        out.append(String.format("autobahn: %d cases, %d same as direct, %d different%n",
                ids.size(), ids.size() - differing.size(), differing.size()));
        return new Comparison(out.toString(), differing.size());
    }

    static Map<String, Result> read(Path index) throws IOException {
        if (!Files.isRegularFile(index)) {
            throw new IllegalStateException("autobahn: missing " + index);
        }
        JsonNode root = JSON.readTree(index.toFile());
        Map<String, Result> results = new TreeMap<>(CASE_ORDER);
        for (Iterator<JsonNode> agents = root.elements(); agents.hasNext(); ) {
            for (Map.Entry<String, JsonNode> e : agents.next().properties()) {
                JsonNode r = e.getValue();
                results.put(e.getKey(), new Result(r.path("behavior").asText("?"), r.path("behaviorClose").asText("?"),
                        r.path("remoteCloseCode").isNull() || r.path("remoteCloseCode").isMissingNode()
                                ? "-" : r.path("remoteCloseCode").asText(),
                        r.path("duration").asLong(0)));
            }
        }
        return results;
    }

    static long count(Map<String, Result> results, String behavior) {
        return results.values().stream().filter(r -> r.behavior().equals(behavior)).count();
    }

    private static TreeSet<String> otherBehaviors(Map<String, Result> a, Map<String, Result> b) {
        TreeSet<String> other = new TreeSet<>();
        Stream.concat(a.values().stream(), b.values().stream()).map(Result::behavior)
                .filter(x -> !BEHAVIORS.contains(x)).forEach(other::add);
        return other;
    }

    static double seconds(Map<String, Result> results) {
        return results.values().stream().mapToLong(Result::duration).sum() / 1000.0;
    }

    /** 1.1.2 before 1.1.10. */
    static final Comparator<String> CASE_ORDER = (x, y) -> {
        String[] a = x.split("\\.");
        String[] b = y.split("\\.");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            int c;
            try {
                c = Integer.compare(Integer.parseInt(a[i]), Integer.parseInt(b[i]));
            } catch (NumberFormatException e) {
                c = a[i].compareTo(b[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    };

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
