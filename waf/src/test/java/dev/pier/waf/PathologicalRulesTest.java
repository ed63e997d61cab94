package dev.pier.waf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.WafConfig;
import dev.pier.config.ruleset.RuleAction;
import dev.pier.rules.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of pathological rules in {@code pathological-rules.tsv} (nested counted
 * repetition, huge alternations, long literals, deep nesting, many rules, functions whose work
 * grows with the input): each is refused when its ruleset is loaded from a configuration file
 * (the API compiles rulesets the same way, ApiContract shows it), or saved and then bounded by
 * the request budget. A saved one never refuses an ordinary request, and the long request either
 * passes within the default budget or is refused unjudged; which one is fixed by the measure.
 */
class PathologicalRulesTest {

    private static final WafRuntime RUNTIME = WafRuntime.local();

    @AfterAll
    static void close() {
        RUNTIME.close();
    }

    static Stream<Arguments> corpus() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (InputStream in = PathologicalRulesTest.class.getResourceAsStream("pathological-rules.tsv")) {
            int line = 0;
            for (String row : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                line++;
                if (row.isBlank() || row.startsWith("#")) {
                    continue;
                }
                String[] columns = row.split("\t");
                out.add(Arguments.of(line, columns[0], Integer.parseInt(columns[1]), expand(columns[2])));
            }
        }
        return out.stream();
    }

    /** {@code «x*N»}: x written N times, with {@code %d} in x counting 0 to N-1. */
    static String expand(String template) {
        Matcher m = java.util.regex.Pattern.compile("«(.*?)\\*(\\d+)»").matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            StringBuilder repeated = new StringBuilder();
            for (int i = 0; i < Integer.parseInt(m.group(2)); i++) {
                repeated.append(m.group(1).replace("%d", Integer.toString(i)));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(repeated.toString()));
        }
        m.appendTail(out);
        return out.toString();
    }

    @ParameterizedTest(name = "line {0}: {1}, {2} rule(s)")
    @MethodSource("corpus")
    void refusedWhenSavedOrBoundedWhenRun(int line, String outcome, int copies, String expression) throws Exception {
        StringBuilder rules = new StringBuilder("- phase: http_request_firewall_custom\n  rules:\n");
        for (int i = 0; i < copies; i++) {
            // log: every rule runs, as many as the budget lets
            rules.append("    - { id: r").append(i).append(", action: log, expression: '").append(expression.replace("'", "''"))
                    .append("' }\n");
        }
        if (outcome.startsWith("refused:")) {
            String message = outcome.substring("refused:".length()).trim();
            assertThatThrownBy(() -> ZoneWaf.compile(ZoneWafTest.zone(rules.toString()), RUNTIME, Set.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
            return;
        }
        ZoneWaf waf = ZoneWaf.compile(ZoneWafTest.zone(rules.toString()), RUNTIME, Set.of());

        Verdict ordinary = run(waf, "/chat?room=1", List.of());
        assertThat(ordinary.budgetExceeded()).as("an ordinary request").isFalse();

        Context fields = longRequest(waf);
        Verdict verdict = waf.evaluate(fields, 0).toCompletableFuture().get();
        assertThat(fields.spent()).isLessThanOrEqualTo(WafConfig.DEFAULT_RULE_BUDGET);
        if (outcome.equals("refused-long")) {
            assertThat(verdict.budgetExceeded()).as("the long request is refused unjudged").isTrue();
            assertThat(verdict.action()).isEqualTo(RuleAction.BLOCK);
            assertThat(verdict.ruleId()).startsWith("r");
            assertThat(verdict.source()).isEqualTo(Verdict.FIREWALL_CUSTOM);
        } else {
            assertThat(outcome).isEqualTo("passes-long");
            assertThat(verdict.budgetExceeded()).as("the long request passes within the budget (spent %d)", fields.spent()).isFalse();
            assertThat(verdict.terminates()).isFalse();
        }
    }

    static Context longRequest(ZoneWaf waf) throws Exception {
        return fields(waf, "/" + "a".repeat(10_000) + "?q=%" + "25".repeat(1_000), List.of(Map.entry("X-Long", "a".repeat(10_000))));
    }

    static Verdict run(ZoneWaf waf, String uri, List<Map.Entry<String, String>> headers) throws Exception {
        return waf.evaluate(fields(waf, uri, headers), 0).toCompletableFuture().get();
    }

    static Context fields(ZoneWaf waf, String uri, List<Map.Entry<String, String>> headers) throws Exception {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        list.add(Map.entry("Host", "example.com"));
        list.add(Map.entry("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"));
        list.addAll(headers);
        return RequestFields.of(new RequestFields.Request("GET", uri, "HTTP/1.1", list, "example.com",
                InetAddress.getByName("198.51.100.1"), true, "ray", 443), waf.fields(), 0).budget(WafConfig.DEFAULT_RULE_BUDGET);
    }
}
