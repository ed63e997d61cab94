package dev.pier.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;

/**
 * Issue 10, medium 3, replayed against a running {@code pier serve --store}: a zone's WAF token
 * saves heavy regex rules, clients send that zone long paths, and another zone's latency and the
 * node's heap are measured before and during. bench/rule-budget.sh starts the node, an origin and
 * this client; it prints one table. Every figure comes from this one run on this machine.
 *
 * <p>Arguments: API URL, edge port, admin token, node's JVM pid, origin port, clients, seconds,
 * the pier launcher and the store (to issue the zone's WAF token as an operator would).
 */
public final class RuleBudgetLoad {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Saved in this order; the first two are refused, the third is the heaviest the limits take. */
    static final String HEAVY_A = "http.request.uri.path matches \"(a{100}){99}\"";
    static final String HEAVY_B = "http.request.uri.path matches \"([a-z]{1,50}){1,90}$\"";

    static String api;
    static int edgePort;
    static long pid;

    private RuleBudgetLoad() {
    }

    public static void main(String[] args) throws Exception {
        api = args[0];
        edgePort = Integer.parseInt(args[1]);
        String admin = args[2];
        pid = Long.parseLong(args[3]);
        int originPort = Integer.parseInt(args[4]);
        int clients = Integer.parseInt(args[5]);
        int seconds = Integer.parseInt(args[6]);
        String pier = args[7];
        String store = args[8];

        String victim = zone(admin, "victim.test", originPort);
        String attacker = zone(admin, "attacker.test", originPort);
        call("PUT", "/zones/" + victim + "/rulesets/phases/http_request_firewall_custom/entrypoint", admin, rules(List.of(
                "http.request.uri.path eq \"/admin\"", "http.user_agent contains \"scanner\"",
                "http.request.uri.query matches \"(?i)(union|select).*from\"")));
        waitForZone("victim.test");
        waitForZone("attacker.test");
        String waf = issueWafToken(pier, store, attacker);

        System.out.printf("%-46s %9s %9s %9s %8s %9s%n", "phase", "p50 ms", "p99 ms", "max ms", "heap MB", "attacks/s");
        report("before: no heavy rules", probe(seconds, null, 0), heapMb());

        String entrypoint = "/zones/" + attacker + "/rulesets/phases/http_request_firewall_custom/entrypoint";
        List<String> issue = Collections.nCopies(10, "http.request.uri.path matches \"(a{1000}){10}\"");
        JsonNode refused = call("PUT", entrypoint, waf, rules(issue));
        System.out.println("# WAF token saves 10 x (a{1000}){10}: " + refused.path("errors").path(0));
        refused = call("PUT", entrypoint, waf, rules(Collections.nCopies(10, HEAVY_A)));
        System.out.println("# WAF token saves 10 x (a{100}){99}: " + refused.path("errors").path(0));
        JsonNode saved = call("PUT", entrypoint, waf, rules(List.of(HEAVY_A, HEAVY_B)));
        System.out.println("# WAF token saves (a{100}){99} and ([a-z]{1,50}){1,90}$: success=" + saved.path("success"));
        Thread.sleep(2_000); // applied within a second
        report("saved: the heaviest rules the limits take", probe(seconds, null, 0), heapMb());

        String longPath = "/" + "a".repeat(2_000);
        report(clients + " clients, 2,000-character paths", probe(seconds, longPath, clients), heapMb());
        int fitting = heaviestJudgedPath();
        report(clients + " clients, " + fitting + "-character paths (the longest judged)",
                probe(seconds, "/" + "a".repeat(fitting - 1), clients), heapMb());
        System.out.println("# statuses of the attack requests: " + STATUSES);
    }

    static final Map<String, AtomicLong> STATUSES = new ConcurrentHashMap<>();

    /** Victim latencies (ms) while {@code clients} threads send {@code attackPath} to the attacker zone; the last element is attacks per second. */
    static double[] probe(int seconds, String attackPath, int clients) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong attacks = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Thread t = Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    try {
                        String status = get("attacker.test", attackPath, 30_000);
                        STATUSES.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                        attacks.incrementAndGet();
                    } catch (IOException e) {
                        STATUSES.computeIfAbsent("error " + e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                    }
                }
            });
            threads.add(t);
        }
        Thread.sleep(clients > 0 ? 1_000 : 0); // the attack under way
        List<Double> latencies = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long startAttacks = attacks.get();
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            get("victim.test", "/", 60_000);
            latencies.add((System.nanoTime() - t0) / 1e6);
            Thread.sleep(20);
        }
        double perSecond = (attacks.get() - startAttacks) / ((System.nanoTime() - start) / 1e9);
        running.set(false);
        for (Thread t : threads) {
            t.join(60_000);
        }
        Collections.sort(latencies);
        return new double[] {at(latencies, 0.5), at(latencies, 0.99), latencies.get(latencies.size() - 1), perSecond};
    }

    /** The longest path of "a" whose request the attacker zone's rules judge within the budget (found by halving). */
    static int heaviestJudgedPath() throws IOException {
        int judged = 1;
        int refused = 2_001;
        while (refused - judged > 1) {
            int mid = (judged + refused) / 2;
            String status = get("attacker.test", "/" + "a".repeat(mid - 1), 60_000);
            if (status.equals("403 budget")) {
                refused = mid;
            } else {
                judged = mid;
            }
        }
        return judged;
    }

    static double at(List<Double> sorted, double quantile) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(quantile * sorted.size())));
    }

    static void report(String phase, double[] figures, double heap) {
        System.out.printf("%-46s %9.1f %9.1f %9.1f %8.1f %9.1f%n", phase, figures[0], figures[1], figures[2], heap, figures[3]);
    }

    /** One request on its own connection: its status, "403 budget" for the budget's refusal. */
    static String get(String host, String path, int timeoutMillis) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", edgePort), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            String status = response.length() >= 12 ? response.substring(9, 12) : "none";
            return status.equals("403") && response.contains("evaluation budget") ? "403 budget" : status;
        }
    }

    static String zone(String admin, String name, int originPort) throws Exception {
        String id = call("POST", "/zones", admin, "{\"name\":\"" + name + "\"}").path("result").path("id").asText();
        call("POST", "/zones/" + id + "/dns_records", admin,
                "{\"type\":\"A\",\"name\":\"" + name + "\",\"content\":\"127.0.0.1\",\"proxied\":true}");
        call("PUT", "/zones/" + id + "/rulesets/phases/http_request_origin/entrypoint", admin,
                "{\"rules\":[{\"expression\":\"true\",\"action\":\"route\",\"action_parameters\":{\"origin\":{\"port\":" + originPort + "}}}]}");
        return id;
    }

    static void waitForZone(String host) throws Exception {
        for (int i = 0; i < 100; i++) {
            String status = get(host, "/", 5_000);
            if (!status.equals("404") && !status.equals("none")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(host + " is not served");
    }

    static String rules(List<String> expressions) throws IOException {
        List<Map<String, String>> rules = new ArrayList<>();
        for (String e : expressions) {
            rules.add(Map.of("expression", e, "action", "block"));
        }
        return JSON.writeValueAsString(Map.of("rules", rules));
    }

    static JsonNode call(String method, String path, String token, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + "/client/v4" + path))
                .header("authorization", "Bearer " + token).header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    static String issueWafToken(String pier, String store, String zone) throws Exception {
        Process p = new ProcessBuilder(pier, "token", "--store", store, "--name", "waf", "--permission", "ZONE_WAF_WRITE", "--zone", zone)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = java.util.regex.Pattern.compile("API token: (\\S+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("pier token: " + out);
        }
        return m.group(1);
    }

    /** The node's heap in use after a full collection (jcmd GC.run, then GC.heap_info), in MB. */
    static double heapMb() throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(); // the node's JDK, which runs this too
        run(jcmd, Long.toString(pid), "GC.run");
        String info = run(jcmd, Long.toString(pid), "GC.heap_info");
        long usedKb = 0;
        Matcher m = java.util.regex.Pattern.compile("(?m)^\\s*(DefNew|Tenured|def new generation|tenured generation|garbage-first heap)\\s+total \\d+K, used (\\d+)K")
                .matcher(info);
        boolean found = false;
        while (m.find()) {
            usedKb += Long.parseLong(m.group(2));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("jcmd GC.heap_info: " + info);
        }
        return usedKb / 1024.0;
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

}
