package dev.pier.waf.managed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.ruleset.ActionParameters;
import dev.pier.rules.Context;
import dev.pier.waf.RequestFields;
import dev.pier.waf.WafScheme;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The prefilter finds its literals, and hides no match: every corpus request matches the same rules with and without it. */
class PrefilterTest {

    @Test
    void findsEveryLiteralOnceInOnePass() {
        Prefilter p = new Prefilter(List.of(List.of("union", "select"), List.of("../"), List.of(), List.of("%0d")));
        assertThat(p.candidates(List.of("1 union all"))).isEqualTo(bits(0, 2));
        assertThat(p.candidates(List.of("a/../b", "x%0D"))).isEqualTo(bits(1, 2, 3)); // raw inputs match without case
        assertThat(p.candidates(List.of("unio", "n"))).isEqualTo(bits(2)); // not across inputs
        assertThat(p.candidates(List.of("selselect"))).isEqualTo(bits(0, 2)); // suffix links
    }

    private static BitSet bits(int... set) {
        BitSet b = new BitSet();
        for (int i : set) {
            b.set(i);
        }
        return b;
    }

    @Test
    void hidesNoMatchOnAnyCorpusRequestAtEveryParanoiaLevel() throws Exception {
        ManagedRulesets rulesets = ManagedRulesets.builtIn();
        ActionParameters.Overrides all = new ActionParameters.Overrides(null, null,
                List.of(new ActionParameters.CategoryOverride("paranoia-level-2", true, null),
                        new ActionParameters.CategoryOverride("paranoia-level-3", true, null),
                        new ActionParameters.CategoryOverride("paranoia-level-4", true, null)), List.of());
        ActionParameters.Execute execute = new ActionParameters.Execute(ManagedRulesets.OWASP, all);
        ManagedExecution fast = rulesets.execute(execute);
        ManagedExecution slow = rulesets.executeWithoutPrefilter(execute);
        int requests = 0;
        for (String corpus : new String[] {"attacks.jsonl", "benign.jsonl", "holdout/attacks.jsonl", "holdout/benign.jsonl"}) {
            InputStream in = PrefilterTest.class.getResourceAsStream("/corpus/" + corpus);
            if (in == null) {
                continue;
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.isBlank()) {
                        continue;
                    }
                    Context request = request(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line));
                    ManagedInputs.fill(request);
                    assertThat(fast.run(request, a -> true).matched()).as(line).isEqualTo(slow.run(request, a -> true).matched());
                    requests++;
                }
            }
        }
        assertThat(requests).isGreaterThan(800);
    }

    private static Context request(com.fasterxml.jackson.databind.JsonNode n) throws Exception {
        List<Map.Entry<String, String>> headers = new ArrayList<>(List.of(Map.entry("Host", "chat.example.com")));
        n.get("headers").forEach(h -> headers.add(new AbstractMap.SimpleEntry<>(h.get(0).asText(), h.get(1).asText())));
        return RequestFields.of(new RequestFields.Request("GET", n.get("uri").asText(), "HTTP/1.1", headers, "chat.example.com",
                InetAddress.getByName("198.51.100.7"), true, "ray", 443), Set.of("http.request.uri.args", "http.request.headers",
                WafScheme.ARGS));
    }
}
