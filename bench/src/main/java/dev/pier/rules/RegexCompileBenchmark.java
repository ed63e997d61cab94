package dev.pier.rules;

import com.google.re2j.Pattern;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the compile budget costs: estimating a pattern's program size ({@link RegexCost#of})
 * before RE2/J compiles it, against the compile alone, on patterns the budget lets through
 * (a route, the managed rules' largest, a counted repetition near the limit); and how fast a
 * pattern that would expand to a billion instructions is refused (compiling it fills any heap).
 * In package dev.pier.rules to reach the package's estimate; run with
 * {@code bench/run.sh RegexCompileBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RegexCompileBenchmark {

    static final String LARGEST_MANAGED = "sqlmap|nikto|nmap|masscan|zgrab|nuclei|wpscan|dirbuster|gobuster|\\bdirb\\b|acunetix|nessus|openvas|w3af|arachni|\\bzap\\b|owasp|burp|netsparker|invicti|appscan|webinspect|havij|commix|jaeles|\\bffuf\\b|wfuzz|feroxbuster|whatweb|skipfish|paros|grabber|\\bvega\\b|xsser|fimap|jbrofuzz|morfeus|zmeu|absinthe|bsqlbf|brutus|cgichk|interactsh|qualys|censysinspect|internet-measurement|l9explore|leakix|crawlergo|\\bxray\\b|nmap scripting engine|fuzz faster u fool|mozlila|moblie safari|hydra|medusa|metasploit|sqlninja|pangolin|webshag|httprint|wapiti|dotdotpwn|joomscan|droopescan|cmsmap|zgrab|detectify|intruder\\.io|probely|\\bjorgee\\b|mozilla/5\\.0 sf/|openvas|netlab360";

    @Param({"route", "managed-largest", "counted-near-limit"})
    public String pattern;

    String regex;
    /** A field, not a constant, so that the JIT cannot fold the refusal away. */
    String nested = "((a{1000}){1000}){1000}";

    @Setup
    public void setUp() {
        regex = switch (pattern) {
            case "route" -> "^/api/v[0-9]+/(users|items)/\\d+$";
            case "managed-largest" -> LARGEST_MANAGED;
            case "counted-near-limit" -> "(a{100}){99}";
            default -> throw new IllegalArgumentException("pattern: " + pattern);
        };
    }

    @Benchmark
    public Pattern compileOnly() {
        return Pattern.compile(regex);
    }

    @Benchmark
    public Pattern estimateThenCompile() {
        if (RegexCost.of(regex) > Regexes.MAX_PROGRAM_SIZE) {
            throw new IllegalStateException("refused: " + regex);
        }
        return Pattern.compile(regex);
    }

    @Benchmark
    public long estimateOnly() {
        return RegexCost.of(regex);
    }

    /** ((a{1000}){1000}){1000}: refused by the estimate (a billion instructions) before anything is compiled. */
    @Benchmark
    public long refuseNestedRepetition() {
        long cost = RegexCost.of(nested);
        if (cost <= Regexes.MAX_PROGRAM_SIZE) {
            throw new IllegalStateException("not refused");
        }
        return cost;
    }
}
