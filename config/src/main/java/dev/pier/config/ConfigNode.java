package dev.pier.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A node of a configuration document (YAML or JSON) and its path, so that every error names
 * the key it is about: {@code zones[0].dns_records[1].type: 'AAA' (expected: A, AAAA or CNAME)}.
 */
public record ConfigNode(JsonNode raw, String path) {

    private static final Pattern HOST_LABELS =
            Pattern.compile("(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+) ?(KiB|MiB|GiB|KB|MB|GB|k|M|G|B)?");


    public ConfigException error(String key, String message) {
        return new ConfigException(at(key) + ": " + message);
    }

    public String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public void onlyKeys(String... allowed) {
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

    public ConfigNode child(String key) {
        JsonNode c = raw.get(key);
        return c == null || c.isNull() ? null : new ConfigNode(c, at(key));
    }

    public List<ConfigNode> list(String key) {
        ConfigNode c = child(key);
        if (c == null) {
            return List.of();
        }
        if (!c.raw.isArray()) {
            throw new ConfigException(c.path + ": expected a list");
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < c.raw.size(); i++) {
            out.add(new ConfigNode(c.raw.get(i), c.path + "[" + i + "]"));
        }
        return out;
    }

    public String text(String key, String fallback) {
        ConfigNode c = child(key);
        if (c == null) {
            return fallback;
        }
        if (!c.raw.isValueNode()) {
            throw new ConfigException(c.path + ": expected a single value");
        }
        return c.raw.asText();
    }

    public ListenerConfig address(String key) {
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

    public String hostName(String key, boolean wildcardAllowed) {
        ConfigNode c = child(key);
        if (c == null) {
            throw error(key, "missing (expected: a host name such as example.com)");
        }
        return c.hostName(wildcardAllowed);
    }

    /** This node's value as a host name: lower case, without a trailing dot. */
    public String hostName(boolean wildcardAllowed) {
        if (!raw.isValueNode()) {
            throw new ConfigException(path + ": expected a single value");
        }
        String value = raw.asText();
        String host = value.trim().toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        boolean ipv4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!ipv4 && (!HOST_LABELS.matcher(host).matches() || (!wildcardAllowed && host.startsWith("*.")))) {
            throw new ConfigException(path + ": '" + value + "' (expected: a host name such as example.com"
                    + (wildcardAllowed ? " or *.example.com" : "") + ")");
        }
        return host;
    }

    public boolean onOff(String key, boolean fallback) {
        ConfigNode c = child(key);
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

    public Duration duration(String key, Duration fallback) {
        String value = text(key, null);
        if (value == null) {
            return fallback;
        }
        var m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw error(key, "'" + value + "' (expected: a duration such as 100s, 500ms, 5m, 1h or 7d)");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.isZero()) {
            throw error(key, "'" + value + "' (expected: a duration above zero)");
        }
        return d;
    }

    /** A duration, or null when the key is absent or {@code off}. */
    public Duration offOrDuration(String key) {
        ConfigNode c = child(key);
        if (c == null || (c.raw.isBoolean() && !c.raw.booleanValue()) || "off".equalsIgnoreCase(c.raw.asText())) {
            return null;
        }
        return duration(key, null);
    }

    /** A byte size such as 1048576, 64KiB or 16MiB; 0 when absent. */
    public long size(String key) {
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

    public int integer(String key, int fallback, int min, int max) {
        ConfigNode c = child(key);
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
