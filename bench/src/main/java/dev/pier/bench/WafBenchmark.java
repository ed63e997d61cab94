package dev.pier.bench;

import dev.pier.config.ConfigLoader;
import dev.pier.config.Zone;
import dev.pier.rules.Context;
import dev.pier.waf.RequestFields;
import dev.pier.waf.Verdict;
import dev.pier.waf.WafRuntime;
import dev.pier.waf.ZoneWaf;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole WAF on one realistic WebSocket upgrade request that passes (so every rule runs):
 * filling the request fields, then the phases. {@code rules}: 100 custom rules, the managed
 * OWASP ruleset, or both; the cost per upgrade request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WafBenchmark {

    @Param({"custom100", "managed", "both"})
    public String rules;

    /**
     * {@code fresh}: every request carries a token and a session cookie never seen before (the
     * per-input cache misses on them, as it would for every user's own tokens); {@code repeated}:
     * the same request again and again (the cache's best case).
     */
    @Param({"fresh", "repeated"})
    public String inputs;

    private long counter;
    private List<Map.Entry<String, String>> headers;

    WafRuntime runtime;
    ZoneWaf waf;
    RequestFields.Request request;

    @Setup
    public void setUp() throws Exception {
        StringBuilder yaml = new StringBuilder("""
                listeners: [ { address: 127.0.0.1:8080 } ]
                zones:
                  - name: example.com
                    dns_records: [ { type: A, name: chat.example.com, content: 127.0.0.1 } ]
                    rulesets:
                """);
        if (!rules.equals("managed")) {
            yaml.append("      - phase: http_request_firewall_custom\n        rules:\n");
            for (int i = 0; i < 100; i++) {
                String e = RulesBenchmark.SHAPES[i % RulesBenchmark.SHAPES.length].replace("%d", Integer.toString(i));
                yaml.append("          - { id: rule-").append(i).append(", action: block, expression: '")
                        .append(e.replace("'", "''")).append("' }\n");
            }
        }
        if (!rules.equals("custom100")) {
            yaml.append("""
                          - phase: http_request_firewall_managed
                            rules:
                              - { expression: "true", action: execute, action_parameters: { id: 4814384a9e5d4991b9815dcfc25d2f1f } }
                    """);
        }
        runtime = WafRuntime.local();
        Zone zone = ConfigLoader.parse(yaml.toString(), Path.of(".")).zones().get(0);
        waf = ZoneWaf.compile(zone, runtime);
        headers = List.of(
                Map.entry("Host", "chat.example.com"), Map.entry("Connection", "Upgrade"), Map.entry("Upgrade", "websocket"),
                Map.entry("Pragma", "no-cache"), Map.entry("Cache-Control", "no-cache"),
                Map.entry("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"),
                Map.entry("Origin", "https://chat.example.com"), Map.entry("Sec-WebSocket-Version", "13"),
                Map.entry("Accept-Encoding", "gzip, deflate, br, zstd"), Map.entry("Accept-Language", "en-US,en;q=0.9"),
                Map.entry("Cookie", "_ga=GA1.1.1731425977.1718030012; session=Fe26.2**0a1b2c3d4e5f; theme=dark"),
                Map.entry("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                Map.entry("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"));
        request = new RequestFields.Request("GET", "/socket.io/?EIO=4&transport=websocket&room=lobby&token=abc123", "HTTP/1.1",
                headers, "chat.example.com", InetAddress.getByName("203.0.113.7"), true, "8f1c2a0b3d4e5f60", 443);
        if (evaluate().terminates()) {
            throw new IllegalStateException("the benchmark request must pass every rule");
        }
    }

    @TearDown
    public void tearDown() {
        runtime.close();
    }

    @Benchmark
    public Verdict evaluate() throws Exception {
        RequestFields.Request r = request;
        if (inputs.equals("fresh")) {
            long n = ++counter * 0x9E3779B97F4A7C15L;
            String token = Long.toHexString(n) + Long.toHexString(n >>> 7);
            List<Map.Entry<String, String>> h = new java.util.ArrayList<>(headers);
            h.set(10, Map.entry("Cookie", "_ga=GA1.1.1731425977.1718030012; session=Fe26.2**" + token + "; theme=dark"));
            r = new RequestFields.Request("GET", "/socket.io/?EIO=4&transport=websocket&room=lobby&token=" + token, "HTTP/1.1",
                    h, r.host(), r.client(), true, r.rayId(), 443);
        }
        Context fields = RequestFields.of(r, waf.fields());
        return waf.evaluate(fields, System.currentTimeMillis()).toCompletableFuture().get();
    }
}
