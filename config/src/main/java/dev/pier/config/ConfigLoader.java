package dev.pier.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a YAML configuration file into a validated {@link PierConfig}. Every error names the
 * key it is about ({@code zones[0].dns_records[1].type: 'AAA' (expected: A, AAAA or CNAME)}),
 * and unknown keys are errors so that a typo never silently falls back to a default.
 */
public final class ConfigLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern HOST_LABELS =
            Pattern.compile("(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+) ?(KiB|MiB|GiB|KB|MB|GB|k|M|G|B)?");

    private ConfigLoader() {
    }

    /** Loads a file; relative paths in it (the request log) resolve against its folder. */
    public static PierConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        Path base = file.toAbsolutePath().getParent();
        try {
            return parse(text, base);
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses YAML text; relative paths resolve against {@code base}. */
    public static PierConfig parse(String yaml, Path base) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException("not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : ""), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException("the file is empty (expected: at least one listener and one zone)");
        }
        Node top = new Node(root, "");
        top.onlyKeys("listeners", "admin", "request_log", "timeouts", "zones", "tls");

        List<ListenerConfig> listeners = new ArrayList<>();
        for (Node l : top.list("listeners")) {
            l.onlyKeys("address", "tls");
            listeners.add(l.address("address").withTls(l.onOff("tls", false)));
        }
        TlsConfig tls = TlsConfig.NONE;
        Node t0 = top.child("tls");
        if (t0 != null) {
            t0.onlyKeys("default_certificate", "unknown_sni");
            CertificateFiles fallback = t0.child("default_certificate") == null ? null
                    : certificate(t0.child("default_certificate"), base);
            String unknown = t0.text("unknown_sni", fallback == null ? "reject" : "default");
            if (!unknown.equals("reject") && !unknown.equals("default")) {
                throw t0.error("unknown_sni", "'" + unknown + "' (expected: default or reject)");
            }
            if (unknown.equals("default") && fallback == null) {
                throw t0.error("unknown_sni", "default, but there is no default_certificate");
            }
            tls = new TlsConfig(fallback, unknown.equals("reject"));
        }
        if (listeners.isEmpty()) {
            throw new ConfigException("listeners: empty (expected: at least one, e.g. - address: 127.0.0.1:8080)");
        }
        ListenerConfig admin = null;
        Node adminNode = top.child("admin");
        if (adminNode != null) {
            adminNode.onlyKeys("address");
            admin = adminNode.address("address");
        }
        String log = top.text("request_log", "-");
        Path requestLog = log.equals("-") ? null : base.resolve(log).normalize();

        Timeouts timeouts = Timeouts.DEFAULTS;
        Node t = top.child("timeouts");
        if (t != null) {
            t.onlyKeys("origin_connect", "origin_response", "close_grace", "request_head", "shutdown_grace", "upgrade_drain");
            timeouts = new Timeouts(
                    t.duration("origin_connect", timeouts.originConnect()),
                    t.duration("origin_response", timeouts.originResponse()),
                    t.duration("close_grace", timeouts.closeGrace()),
                    t.duration("request_head", timeouts.requestHead()),
                    t.duration("shutdown_grace", timeouts.shutdownGrace()),
                    t.duration("upgrade_drain", timeouts.upgradeDrain()));
        }

        List<Zone> zones = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> recordNames = new HashSet<>();
        for (Node z : top.list("zones")) {
            Zone zone = zone(z, base);
            if (!names.add(zone.name())) {
                throw z.error("name", "'" + zone.name() + "' appears twice (expected: one entry per zone)");
            }
            for (DnsRecord r : zone.dnsRecords()) {
                if (!recordNames.add(r.name())) {
                    throw z.error("dns_records", "'" + r.name() + "' is routed twice (expected: one proxied record per name)");
                }
            }
            zones.add(zone);
        }
        if (listeners.stream().anyMatch(ListenerConfig::tls) && tls.defaultCertificate() == null
                && zones.stream().allMatch(z -> z.certificates().isEmpty())) {
            throw new ConfigException("listeners: a TLS listener needs certificates (expected: zones[].certificates or tls.default_certificate)");
        }
        return new PierConfig(listeners, admin, requestLog, timeouts, zones, tls);
    }

    private static CertificateFiles certificate(Node c, Path base) {
        c.onlyKeys("certificate", "key");
        String cert = c.text("certificate", null);
        String key = c.text("key", null);
        if (cert == null || key == null) {
            throw new ConfigException(c.path() + ": expected both certificate and key (PEM file paths)");
        }
        return new CertificateFiles(base.resolve(cert).normalize(), base.resolve(key).normalize());
    }

    private static Zone zone(Node z, Path base) {
        z.onlyKeys("name", "settings", "dns_records", "origin_rules", "certificates", "origin_ca", "rulesets");
        String name = z.hostName("name", false);
        ZoneSettings settings = ZoneSettings.DEFAULTS;
        Node s = z.child("settings");
        if (s != null) {
            s.onlyKeys("websockets", "idle_timeout", "max_websocket_connections", "keepalive", "max_message_size",
                    "ssl", "min_tls_version");
            String ssl = s.child("ssl") == null ? "off" : s.child("ssl").raw().isBoolean()
                    ? (s.child("ssl").raw().booleanValue() ? "full" : "off") : s.text("ssl", "off");
            SslMode mode;
            try {
                mode = SslMode.valueOf(ssl.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw s.error("ssl", "'" + ssl + "' (expected: off, flexible, full or strict)");
            }
            String minTls = s.text("min_tls_version", "1.2");
            if (!minTls.equals("1.2") && !minTls.equals("1.3")) {
                throw s.error("min_tls_version", "'" + minTls + "' (expected: 1.2 or 1.3)");
            }
            settings = new ZoneSettings(
                    s.onOff("websockets", settings.websockets()),
                    s.duration("idle_timeout", settings.idleTimeout()),
                    s.integer("max_websocket_connections", 0, 0, Integer.MAX_VALUE),
                    s.offOrDuration("keepalive"),
                    s.size("max_message_size"),
                    mode,
                    minTls);
        }
        List<DnsRecord> records = new ArrayList<>();
        for (Node r : z.list("dns_records")) {
            r.onlyKeys("type", "name", "content", "proxied");
            String typeText = r.text("type", null);
            DnsRecord.Type type;
            try {
                type = DnsRecord.Type.valueOf(typeText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw r.error("type", "'" + typeText + "' (expected: A, AAAA or CNAME)");
            }
            String recordName = r.hostName("name", true);
            if (!recordName.equals(name) && !recordName.endsWith("." + name)) {
                throw r.error("name", "'" + recordName + "' is not in zone " + name
                        + " (expected: " + name + " or a name ending in ." + name + ")");
            }
            String content = r.text("content", null);
            if (content == null || content.isBlank()) {
                throw r.error("content", "missing (expected: the origin's address or host name)");
            }
            if (type == DnsRecord.Type.A && !content.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                throw r.error("content", "'" + content + "' (expected: an IPv4 address for an A record)");
            }
            if (type == DnsRecord.Type.AAAA && !content.contains(":")) {
                throw r.error("content", "'" + content + "' (expected: an IPv6 address for an AAAA record)");
            }
            if (r.child("proxied") != null && !r.child("proxied").raw.asBoolean(true)) {
                throw r.error("proxied", "false (expected: true; DNS-only records are not served by Pier)");
            }
            records.add(new DnsRecord(type, recordName, content.trim()));
        }
        List<OriginRule> rules = new ArrayList<>();
        for (Node o : z.list("origin_rules")) {
            o.onlyKeys("hostname", "port");
            rules.add(new OriginRule(o.hostName("hostname", false), o.integer("port", -1, 1, 65535)));
        }
        List<CertificateFiles> certificates = new ArrayList<>();
        for (Node c : z.list("certificates")) {
            certificates.add(certificate(c, base));
        }
        String originCa = z.text("origin_ca", null);
        List<FirewallRule> firewall = new ArrayList<>();
        for (Node ruleset : z.list("rulesets")) {
            ruleset.onlyKeys("phase", "rules", "name", "description");
            String phase = ruleset.text("phase", null);
            if (!"http_request_firewall_custom".equals(phase)) {
                throw ruleset.error("phase", "'" + phase + "' (expected: http_request_firewall_custom; other phases come later)");
            }
            for (Node r : ruleset.list("rules")) {
                firewall.add(firewallRule(r, firewall.size()));
            }
        }
        return new Zone(name, settings, records, rules, certificates, originCa == null ? null : base.resolve(originCa).normalize(),
                firewall);
    }

    private static FirewallRule firewallRule(Node r, int position) {
        r.onlyKeys("id", "ref", "expression", "action", "action_parameters", "description", "enabled");
        String id = r.text("id", r.text("ref", "rule-" + (position + 1)));
        String expression = r.text("expression", null);
        if (expression == null || expression.isBlank()) {
            throw r.error("expression", "missing (expected: a Rules language expression, e.g. http.request.uri.path eq \"/admin\")");
        }
        String actionText = r.text("action", null);
        FirewallRule.Action action;
        try {
            action = FirewallRule.Action.valueOf(String.valueOf(actionText).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw r.error("action", "'" + actionText + "' (expected: block, log or skip)");
        }
        FirewallRule.BlockResponse response = null;
        Node parameters = r.child("action_parameters");
        if (parameters != null) {
            parameters.onlyKeys("response", "ruleset");
            Node resp = parameters.child("response");
            if (resp != null) {
                if (action != FirewallRule.Action.BLOCK) {
                    throw new ConfigException(resp.path() + ": a custom response needs action block");
                }
                resp.onlyKeys("status_code", "content", "content_type");
                response = new FirewallRule.BlockResponse(resp.integer("status_code", 403, 400, 499),
                        resp.text("content", ""), resp.text("content_type", "text/plain"));
            }
            String skip = parameters.text("ruleset", null);
            if (skip != null && (action != FirewallRule.Action.SKIP || !skip.equals("current"))) {
                throw parameters.error("ruleset", "'" + skip + "' (expected: current, with action skip)");
            }
        }
        return new FirewallRule(id, expression, action, r.text("description", ""), r.onOff("enabled", true), response);
    }

    /** A YAML node and its path, for error messages. */
    private record Node(JsonNode raw, String path) {

        ConfigException error(String key, String message) {
            return new ConfigException(at(key) + ": " + message);
        }

        String at(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        void onlyKeys(String... allowed) {
            if (!raw.isObject()) {
                throw new ConfigException((path.isEmpty() ? "the document" : path) + ": expected a mapping of keys");
            }
            Set<String> ok = Set.of(allowed);
            for (Iterator<String> it = raw.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!ok.contains(key)) {
                    throw new ConfigException(at(key) + ": unknown key (expected one of: "
                            + String.join(", ", allowed) + ")");
                }
            }
        }

        Node child(String key) {
            JsonNode c = raw.get(key);
            return c == null || c.isNull() ? null : new Node(c, at(key));
        }

        List<Node> list(String key) {
            Node c = child(key);
            if (c == null) {
                return List.of();
            }
            if (!c.raw.isArray()) {
                throw new ConfigException(c.path + ": expected a list");
            }
            List<Node> out = new ArrayList<>();
            for (int i = 0; i < c.raw.size(); i++) {
                out.add(new Node(c.raw.get(i), c.path + "[" + i + "]"));
            }
            return out;
        }

        String text(String key, String fallback) {
            Node c = child(key);
            if (c == null) {
                return fallback;
            }
            if (!c.raw.isValueNode()) {
                throw new ConfigException(c.path + ": expected a single value");
            }
            return c.raw.asText();
        }

        ListenerConfig address(String key) {
            String value = text(key, null);
            if (value == null) {
                throw error(key, "missing (expected: host:port, e.g. 127.0.0.1:8080)");
            }
            try {
                return ListenerConfig.parse(value);
            } catch (IllegalArgumentException e) {
                throw error(key, e.getMessage());
            }
        }

        String hostName(String key, boolean wildcardAllowed) {
            String value = text(key, null);
            if (value == null) {
                throw error(key, "missing (expected: a host name such as example.com)");
            }
            String host = value.trim().toLowerCase(Locale.ROOT);
            if (host.endsWith(".")) {
                host = host.substring(0, host.length() - 1);
            }
            boolean ipv4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
            if (!ipv4 && (!HOST_LABELS.matcher(host).matches() || (!wildcardAllowed && host.startsWith("*.")))) {
                throw error(key, "'" + value + "' (expected: a host name such as example.com"
                        + (wildcardAllowed ? " or *.example.com" : "") + ")");
            }
            return host;
        }

        boolean onOff(String key, boolean fallback) {
            Node c = child(key);
            if (c == null) {
                return fallback;
            }
            if (c.raw.isBoolean()) {
                return c.raw.booleanValue();
            }
            return switch (c.raw.asText().toLowerCase(Locale.ROOT)) {
                case "on", "true" -> true;
                case "off", "false" -> false;
                default -> throw new ConfigException(c.path + ": '" + c.raw.asText() + "' (expected: on or off)");
            };
        }

        Duration duration(String key, Duration fallback) {
            String value = text(key, null);
            if (value == null) {
                return fallback;
            }
            var m = DURATION.matcher(value.trim());
            if (!m.matches()) {
                throw error(key, "'" + value + "' (expected: a duration such as 100s, 500ms, 5m or 1h)");
            }
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
            if (d.isZero()) {
                throw error(key, "'" + value + "' (expected: a duration above zero)");
            }
            return d;
        }

        /** A duration, or null when the key is absent or {@code off}. */
        Duration offOrDuration(String key) {
            Node c = child(key);
            if (c == null || (c.raw.isBoolean() && !c.raw.booleanValue()) || "off".equalsIgnoreCase(c.raw.asText())) {
                return null;
            }
            return duration(key, null);
        }

        /** A byte size such as 1048576, 64KiB or 16MiB; 0 when absent. */
        long size(String key) {
            String value = text(key, null);
            if (value == null) {
                return 0;
            }
            var m = SIZE.matcher(value.trim());
            if (!m.matches()) {
                throw error(key, "'" + value + "' (expected: a size such as 65536, 64KiB or 16MiB)");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2) == null ? "" : m.group(2)) {
                case "KiB", "KB", "k" -> n << 10;
                case "MiB", "MB", "M" -> n << 20;
                case "GiB", "GB", "G" -> n << 30;
                default -> n;
            };
        }

        int integer(String key, int fallback, int min, int max) {
            Node c = child(key);
            if (c == null) {
                if (fallback < min) {
                    throw error(key, "missing (expected: a number from " + min + " to " + max + ")");
                }
                return fallback;
            }
            if (!c.raw.canConvertToInt() || !c.raw.isIntegralNumber()
                    || c.raw.intValue() < min || c.raw.intValue() > max) {
                throw new ConfigException(c.path + ": '" + c.raw.asText()
                        + "' (expected: a number from " + min + " to " + max + ")");
            }
            return c.raw.intValue();
        }
    }
}
