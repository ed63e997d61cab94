package dev.pier.bench;

import dev.pier.rules.Context;
import dev.pier.rules.Expression;
import dev.pier.rules.Scheme;
import dev.pier.rules.StandardFields;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 100 custom rules, of the kinds people write, evaluated against one realistic WebSocket
 * upgrade request that none of them blocks (so every rule runs): the cost per request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RulesBenchmark {

    List<Expression> rules;

    /** Ten kinds of rule people write; the benchmarks number them 0 to 99. */
    static final String[] SHAPES = {
        "http.request.uri.path eq \"/blocked-%d\"",
        "http.host eq \"bad-%d.example.com\" and http.request.method eq \"GET\"",
        "ip.src in {198.18.%d.0/24 10.%d.0.0/16}",
        "http.user_agent contains \"scanner-%d\"",
        "http.request.uri.query matches \"(?i)(union|select).*%d\"",
        "any(http.request.headers.names[*] eq \"x-evil-%d\")",
        "http.request.headers[\"origin\"][0] wildcard \"https://*.attacker%d.test\"",
        "lower(http.request.uri.path) eq \"/admin%d\" and not ip.src in {192.0.2.0/24}",
        "http.request.uri.args[\"token\"][0] eq \"revoked-%d\"",
        "len(http.request.uri.query) gt %d000 and ssl",
    };

    Context request;

    @Setup
    public void setUp() throws Exception {
        Scheme scheme = StandardFields.requestScheme();
        rules = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rules.add(Expression.parse(scheme, SHAPES[i % SHAPES.length].replace("%d", Integer.toString(i))));
        }
        request = new Context(scheme)
                .set("http.host", "chat.example.com")
                .set("http.request.method", "GET")
                .set("http.request.uri", "/socket?room=lobby&token=abc")
                .set("http.request.uri.path", "/socket")
                .set("http.request.uri.query", "room=lobby&token=abc")
                .set("http.request.uri.args", Map.of("room", List.of("lobby"), "token", List.of("abc")))
                .set("http.request.headers", Map.of("upgrade", List.of("websocket"), "origin", List.of("https://chat.example.com"),
                        "user-agent", List.of("Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0")))
                .set("http.request.headers.names", List.of("host", "upgrade", "connection", "origin", "user-agent",
                        "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions"))
                .set("http.user_agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0")
                .set("ip.src", InetAddress.getByName("203.0.113.7"))
                .set("ssl", true);
    }

    @Benchmark
    public int hundredRules() {
        int hits = 0;
        for (Expression rule : rules) {
            if (rule.matches(request)) {
                hits++;
            }
        }
        return hits;
    }
}
