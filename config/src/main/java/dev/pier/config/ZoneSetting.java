package dev.pier.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One zone setting, defined once: its key in the configuration file's {@code settings:}, its id
 * in Cloudflare's API ({@code /zones/{id}/settings/{id}}), how its value reads and writes in the
 * API's JSON and in YAML, its default, the check with the "expected: ..." text both give, and
 * where it lives in {@link ZoneSettings}. The configuration loader, the store's bridge, import,
 * export and the API iterate {@link #ALL}; adding a setting is adding an entry there.
 *
 * @param <T> the model's type of the value
 */
public final class ZoneSetting<T> {

    /** Reads a YAML value (never null: absent keys keep the default); throws {@link ConfigException} naming the key. */
    @FunctionalInterface
    public interface YamlReader<T> {
        T read(ConfigNode settings, String key, T fallback);
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final String yamlKey;
    private final String apiId;
    private final boolean listed;
    private final T defaultValue;
    private final String expected;
    private final Function<JsonNode, T> fromApi;
    private final Function<T, JsonNode> toApi;
    private final YamlReader<T> fromYaml;
    private final Function<T, JsonNode> toYaml;
    private final Function<ZoneSettings, T> get;
    private final BiConsumer<ZoneSettings.Builder, T> set;

    private ZoneSetting(String yamlKey, String apiId, boolean listed, Function<ZoneSettings, T> get,
                        BiConsumer<ZoneSettings.Builder, T> set, String expected, Function<JsonNode, T> fromApi,
                        Function<T, JsonNode> toApi, YamlReader<T> fromYaml, Function<T, JsonNode> toYaml) {
        this.yamlKey = yamlKey;
        this.apiId = apiId;
        this.listed = listed;
        this.get = get;
        this.set = set;
        this.defaultValue = get.apply(ZoneSettings.DEFAULTS);
        this.expected = expected;
        this.fromApi = fromApi;
        this.toApi = toApi;
        this.fromYaml = fromYaml;
        this.toYaml = toYaml;
    }

    // ---------------------------------------------------------------- the settings

    public static final ZoneSetting<Boolean> WEBSOCKETS = new ZoneSetting<>("websockets", "websockets", true,
            ZoneSettings::websockets, ZoneSettings.Builder::websockets, "\"on\" or \"off\"",
            v -> switch (text(v)) {
                case "on" -> true;
                case "off" -> false;
                default -> throw new IllegalArgumentException();
            },
            on -> F.textNode(on ? "on" : "off"),
            ConfigNode::onOff, on -> F.textNode(on ? "on" : "off"));

    public static final ZoneSetting<SslMode> SSL = new ZoneSetting<>("ssl", "ssl", true,
            ZoneSettings::ssl, ZoneSettings.Builder::ssl, "\"off\" or \"flexible\" or \"full\" or \"strict\"",
            v -> SslMode.valueOf(text(v).toUpperCase(Locale.ROOT)),
            mode -> F.textNode(mode.name().toLowerCase(Locale.ROOT)),
            ZoneSetting::sslFromYaml, mode -> F.textNode(mode.name().toLowerCase(Locale.ROOT)));

    public static final ZoneSetting<String> MIN_TLS_VERSION = new ZoneSetting<>("min_tls_version", "min_tls_version", true,
            ZoneSettings::minTlsVersion, ZoneSettings.Builder::minTlsVersion, "\"1.2\" or \"1.3\" (Pier never offers TLS 1.0 or 1.1)",
            v -> {
                String t = text(v);
                if (!t.equals("1.2") && !t.equals("1.3")) {
                    throw new IllegalArgumentException();
                }
                return t;
            },
            F::textNode, ZoneSetting::minTlsFromYaml, F::textNode);

    /**
     * Unset (null) by default: the edge then uses the node's {@code timeouts.origin_response}. The
     * API, which does not know a node's file, shows the unset value as the node default's seconds
     * ({@link Timeouts#DEFAULTS}: Cloudflare's 100).
     */
    public static final ZoneSetting<Duration> PROXY_READ_TIMEOUT = new ZoneSetting<>("proxy_read_timeout", "proxy_read_timeout", true,
            ZoneSettings::proxyReadTimeout, ZoneSettings.Builder::proxyReadTimeout, "a number of seconds from 1 to 6000, e.g. \"100\"",
            v -> {
                if (!(v.isIntegralNumber() && v.canConvertToInt() || v.isTextual() && v.asText().matches("\\d{1,4}"))
                        || v.asInt() < 1 || v.asInt() > 6000) {
                    throw new IllegalArgumentException();
                }
                return Duration.ofSeconds(v.asInt());
            },
            d -> F.textNode(Long.toString((d == null ? Timeouts.DEFAULTS.originResponse() : d).toSeconds())),
            ConfigNode::duration, d -> d == null ? null : F.textNode(d.toSeconds() + "s"));

    public static final ZoneSetting<Duration> IDLE_TIMEOUT = new ZoneSetting<>("idle_timeout", "websocket_idle_timeout", true,
            ZoneSettings::idleTimeout, ZoneSettings.Builder::idleTimeout, "a number of seconds from 1 to 86400",
            v -> Duration.ofSeconds(seconds(v, 1, 86_400)),
            d -> F.numberNode(d.toSeconds()),
            ConfigNode::duration, d -> F.textNode(d.toSeconds() + "s"));

    public static final ZoneSetting<Duration> KEEPALIVE = new ZoneSetting<>("keepalive", "websocket_keepalive", true,
            ZoneSettings::keepalive, ZoneSettings.Builder::keepalive, "\"off\" or a number of seconds from 1 to 3600",
            v -> v.isTextual() && v.asText().equals("off") ? null : Duration.ofSeconds(seconds(v, 1, 3_600)),
            d -> d == null ? F.textNode("off") : F.numberNode(d.toSeconds()),
            (s, key, fallback) -> s.child(key) == null ? fallback : s.offOrDuration(key),
            d -> F.textNode(d == null ? "off" : d.toSeconds() + "s"));

    public static final ZoneSetting<Integer> MAX_WEBSOCKET_CONNECTIONS = new ZoneSetting<>("max_websocket_connections",
            "max_websocket_connections", true,
            ZoneSettings::maxWebSocketConnections, ZoneSettings.Builder::maxWebSocketConnections, "a number of connections, 0 for no limit",
            v -> {
                if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
                    throw new IllegalArgumentException();
                }
                return v.asInt();
            },
            F::numberNode, (s, key, fallback) -> s.integer(key, fallback, 0, Integer.MAX_VALUE), F::numberNode);

    public static final ZoneSetting<Long> MAX_MESSAGE_SIZE = new ZoneSetting<>("max_message_size", "max_websocket_message_size", true,
            ZoneSettings::maxMessageSize, ZoneSettings.Builder::maxMessageSize, "a number of bytes, 0 for no limit",
            v -> {
                if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                    throw new IllegalArgumentException();
                }
                return v.asLong();
            },
            F::numberNode, (s, key, fallback) -> s.child(key) == null ? fallback : s.size(key), F::numberNode);

    /** Not in {@code /settings}: Cloudflare gives it its own {@code /zones/{id}/url_normalization}, which stores it under this id. */
    public static final ZoneSetting<UrlNormalization> URL_NORMALIZATION = new ZoneSetting<>("url_normalization", "url_normalization", false,
            ZoneSettings::urlNormalization, ZoneSettings.Builder::urlNormalization,
            "{\"type\": \"cloudflare\" or \"rfc3986\", \"scope\": \"incoming\", \"both\" or \"none\"}",
            v -> {
                UrlNormalization.Type type = UrlNormalization.Type.of(v.path("type").asText());
                UrlNormalization.Scope scope = UrlNormalization.Scope.of(v.path("scope").asText());
                if (type == null || scope == null) {
                    throw new IllegalArgumentException();
                }
                return new UrlNormalization(type, scope);
            },
            ZoneSetting::urlNormalizationJson, ZoneSetting::urlNormalizationFromYaml, ZoneSetting::urlNormalizationJson);

    /** Cloudflare's {@code security_header}: the same shape in the API and the file. */
    public static final ZoneSetting<SecurityHeader> SECURITY_HEADER = new ZoneSetting<>("security_header", "security_header", true,
            ZoneSettings::securityHeader, ZoneSettings.Builder::securityHeader,
            SecurityHeaderCodec.EXPECTED, SecurityHeaderCodec::read, SecurityHeaderCodec::write,
            sameAsApi(SecurityHeaderCodec::read, SecurityHeaderCodec.EXPECTED), SecurityHeaderCodec::write);

    /** Every zone setting, in the order the API lists them. */
    public static final List<ZoneSetting<?>> ALL = List.of(WEBSOCKETS, SSL, MIN_TLS_VERSION, PROXY_READ_TIMEOUT, IDLE_TIMEOUT,
            KEEPALIVE, MAX_WEBSOCKET_CONNECTIONS, MAX_MESSAGE_SIZE, URL_NORMALIZATION, SECURITY_HEADER);

    // ---------------------------------------------------------------- what a setting does

    /** The key under a zone's {@code settings:} in the configuration file. */
    public String yamlKey() {
        return yamlKey;
    }

    /** The id in Cloudflare's API, and the stored setting's id. */
    public String apiId() {
        return apiId;
    }

    /** Whether {@code GET /zones/{id}/settings} lists it and {@code PATCH} changes it. */
    public boolean listed() {
        return listed;
    }

    /** The setting named by this API id, or null. */
    public static ZoneSetting<?> byApiId(String id) {
        for (ZoneSetting<?> s : ALL) {
            if (s.apiId.equals(id)) {
                return s;
            }
        }
        return null;
    }

    /** The text after "expected: " in the error for a bad value. */
    public String expected() {
        return expected;
    }

    /** The value an API client sends or gets back, or throws {@link IllegalArgumentException} with {@link #expected()}. */
    public T fromApi(JsonNode value) {
        try {
            return fromApi.apply(Objects.requireNonNull(value));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(expected, e);
        }
    }

    /** This setting of these settings in the API's JSON shape. */
    public JsonNode apiValue(ZoneSettings settings) {
        return toApi.apply(get.apply(settings));
    }

    /** The API's value when nothing is stored. */
    public JsonNode apiDefault() {
        return toApi.apply(defaultValue);
    }

    /**
     * The JSON the store keeps for this setting of these settings: null when it is the default,
     * so a setting at its default is no stored row (and the API shows no modified_on for it).
     */
    public String storedValue(ZoneSettings settings) {
        T value = get.apply(settings);
        return Objects.equals(value, defaultValue) ? null : toApi.apply(value).toString();
    }

    /** Sets this setting on the builder from its API JSON value. */
    public void setFromApi(ZoneSettings.Builder builder, JsonNode value) {
        set.accept(builder, fromApi(value));
    }

    /** Sets this setting on the builder from a zone's {@code settings:} node, keeping the default when the key is absent. */
    public void setFromYaml(ZoneSettings.Builder builder, ConfigNode settings) {
        set.accept(builder, fromYaml.read(settings, yamlKey, defaultValue));
    }

    /** Writes this setting of these settings under a zone's {@code settings:} as the file has it (nothing when unset). */
    public void putYaml(ObjectNode settingsNode, ZoneSettings settings) {
        JsonNode value = toYaml.apply(get.apply(settings));
        if (value != null) {
            settingsNode.set(yamlKey, value);
        }
    }

    /** The YAML keys {@code settings:} takes. */
    public static String[] yamlKeys() {
        return ALL.stream().map(ZoneSetting::yamlKey).toArray(String[]::new);
    }

    @Override
    public String toString() {
        return apiId;
    }

    // ---------------------------------------------------------------- codecs

    private static String text(JsonNode v) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException();
        }
        return v.asText();
    }

    private static int seconds(JsonNode v, int min, int max) {
        // canConvertToInt first: asInt() wraps 4294967297 to 1
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw new IllegalArgumentException();
        }
        return v.asInt();
    }

    private static SslMode sslFromYaml(ConfigNode s, String key, SslMode fallback) {
        ConfigNode c = s.child(key);
        if (c == null) {
            return fallback;
        }
        String ssl = c.raw().isBoolean() ? (c.raw().booleanValue() ? "full" : "off") : s.text(key, "off");
        try {
            return SslMode.valueOf(ssl.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw s.error(key, "'" + ssl + "' (expected: off, flexible, full or strict)");
        }
    }

    private static String minTlsFromYaml(ConfigNode s, String key, String fallback) {
        String minTls = s.text(key, fallback);
        if (!minTls.equals("1.2") && !minTls.equals("1.3")) {
            throw s.error(key, "'" + minTls + "' (expected: 1.2 or 1.3)");
        }
        return minTls;
    }

    private static JsonNode urlNormalizationJson(UrlNormalization u) {
        return F.objectNode().put("type", u.type().id()).put("scope", u.scope().id());
    }

    /** {@code url_normalization: { type: cloudflare, scope: incoming }}; a key left out keeps Cloudflare's default. */
    private static UrlNormalization urlNormalizationFromYaml(ConfigNode s, String key, UrlNormalization fallback) {
        ConfigNode n = s.child(key);
        if (n == null) {
            return fallback;
        }
        if (!n.raw().isObject()) {
            throw new ConfigException(n.path() + ": expected a mapping such as { type: cloudflare, scope: incoming }");
        }
        n.onlyKeys("type", "scope");
        String typeId = n.text("type", fallback.type().id());
        UrlNormalization.Type type = UrlNormalization.Type.of(typeId);
        if (type == null) {
            throw n.error("type", "'" + typeId + "' (expected: cloudflare or rfc3986)");
        }
        String scopeId = n.text("scope", fallback.scope().id());
        UrlNormalization.Scope scope = UrlNormalization.Scope.of(scopeId);
        if (scope == null) {
            throw n.error("scope", "'" + scopeId + "' (expected: incoming, both or none)");
        }
        return new UrlNormalization(type, scope);
    }

    /** A file value in the API's own shape: the same codec and the same "expected: ..." text. */
    private static <T> YamlReader<T> sameAsApi(Function<JsonNode, T> codec, String expected) {
        return (s, key, fallback) -> {
            ConfigNode c = s.child(key);
            if (c == null) {
                return fallback;
            }
            try {
                return codec.apply(c.raw());
            } catch (RuntimeException e) {
                throw new ConfigException(c.path() + ": " + c.raw() + " (expected: " + expected + ")");
            }
        };
    }
}
