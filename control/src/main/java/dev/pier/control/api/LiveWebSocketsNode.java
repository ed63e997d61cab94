package dev.pier.control.api;

import dev.pier.analytics.LiveWebSocket;
import dev.pier.analytics.LiveWebSockets;
import graphql.schema.DataFetchingEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * Pier's own node {@code webSocketConnectionsLive} under a zone, beyond Cloudflare (which shows a
 * WebSocket only once it has closed): the zone's WebSockets open right now, on every node, with
 * their age and what they carried so far. It reads the edges ({@link LiveWebSockets}), not the
 * analytics store, so it answers with analytics off as well.
 *
 * <p>{@code count} and {@code sum} cover every connection the filter lets through;
 * {@code connections} lists at most {@code limit} of them (100 unless named, at most 10,000),
 * oldest first unless {@code orderBy} says otherwise.
 */
final class LiveWebSocketsNode {

    static final String NAME = "webSocketConnectionsLive";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;

    private static final String FILTER = "ZoneWebSocketConnectionsLiveFilter_InputObject";
    private static final String ORDER = "ZoneWebSocketConnectionsLiveOrderBy";

    /** The text fields a filter may name, each with {@code _neq _in _like}. */
    private static final Map<String, Function<LiveWebSocket, String>> TEXT = new LinkedHashMap<>();
    /** The counters connections may be ordered by. */
    private static final Map<String, ToLongFunction<LiveWebSocket>> NUMBERS = new LinkedHashMap<>();

    static {
        TEXT.put("clientRequestHTTPHost", LiveWebSocket::host);
        TEXT.put("clientRequestPath", LiveWebSocket::path);
        TEXT.put("clientIP", LiveWebSocket::clientIp);
        TEXT.put("node", LiveWebSocket::node);
        TEXT.put("rayId", LiveWebSocket::rayId);
        NUMBERS.put("clientMessages", LiveWebSocket::clientMessages);
        NUMBERS.put("originMessages", LiveWebSocket::originMessages);
        NUMBERS.put("clientRequestBytes", LiveWebSocket::clientRequestBytes);
        NUMBERS.put("edgeResponseBytes", LiveWebSocket::edgeResponseBytes);
    }

    /** The node's field on a zone, in SDL. */
    static final String FIELD = "  \"\"\"Pier's own: the zone's WebSockets open right now, on every node\"\"\"\n  " + NAME
            + "(limit: uint64, filter: " + FILTER + ", orderBy: [" + ORDER + "!]): WebSocketConnectionsLive!\n";

    /** The node's types, in SDL. */
    static final String SDL = sdl();

    private final Supplier<LiveWebSockets> source;

    /** @param source where the open WebSockets are read; null when this process runs no edge */
    LiveWebSocketsNode(Supplier<LiveWebSockets> source) {
        this.source = source;
    }

    private static String sdl() {
        StringBuilder s = new StringBuilder("""
                type WebSocketConnectionsLive {
                  \"""WebSockets of the zone open right now (all nodes) that the filter lets through\"""
                  count: uint64!
                  \"""What they carried so far, added up\"""
                  sum: WebSocketConnectionsLiveSum!
                  \"""At most limit of them, oldest first unless orderBy says otherwise\"""
                  connections: [LiveWebSocketConnection!]!
                }
                type WebSocketConnectionsLiveSum {
                  clientMessages: uint64!
                  originMessages: uint64!
                  clientRequestBytes: uint64!
                  edgeResponseBytes: uint64!
                }
                type LiveWebSocketConnection {
                  \"""The connection's id: its upgrade's RayID (a WebSocket is one request)\"""
                  connectionId: string!
                  rayId: string!
                  clientIP: string
                  clientRequestHTTPHost: string
                  clientRequestPath: string
                  \"""When its upgrade request arrived\"""
                  startedAt: Time!
                  ageSeconds: uint64!
                  clientMessages: uint64!
                  originMessages: uint64!
                  \"""Bytes from the client so far, the upgrade request included\"""
                  clientRequestBytes: uint64!
                  \"""Bytes to the client so far, the 101 included\"""
                  edgeResponseBytes: uint64!
                  \"""The node that holds it\"""
                  node: string!
                }
                """);
        s.append("input ").append(FILTER).append(" {\n  AND: [").append(FILTER).append("!]\n");
        TEXT.keySet().forEach(f -> s.append("  ").append(f).append(": string\n  ").append(f).append("_neq: string\n  ")
                .append(f).append("_in: [string!]\n  ").append(f).append("_like: string\n"));
        for (String suffix : List.of("_gt", "_lt", "_geq", "_leq")) {
            s.append("  ageSeconds").append(suffix).append(": uint64\n");
        }
        s.append("}\nenum ").append(ORDER).append(" {\n");
        List<String> orderable = new ArrayList<>(List.of("startedAt", "ageSeconds"));
        orderable.addAll(NUMBERS.keySet());
        orderable.addAll(TEXT.keySet());
        orderable.forEach(f -> s.append("  ").append(f).append("_ASC\n  ").append(f).append("_DESC\n"));
        return s.append("}\n").toString();
    }

    /** The node's answer for the zone the environment's source is. */
    Map<String, Object> fetch(DataFetchingEnvironment env) {
        LiveWebSockets live = source.get();
        if (live == null) {
            throw new IllegalStateException(NAME + ": this process runs no edge (expected: the API of a pier serve node)");
        }
        Map<String, Object> zone = env.getSource();
        return answer(live.open((String) zone.get("name")), env.getArgument("limit"), env.getArgument("filter"),
                env.getArgument("orderBy"), Instant.now());
    }

    static Map<String, Object> answer(List<LiveWebSocket> open, Object limit, Map<String, Object> filter, List<String> orderBy,
                                      Instant now) {
        long n = limit == null ? DEFAULT_LIMIT : ((Number) limit).longValue();
        if (n < 1 || n > MAX_LIMIT) {
            throw new IllegalArgumentException("limit: " + n + " (expected: 1 to " + MAX_LIMIT + ")");
        }
        Predicate<LiveWebSocket> keep = filter == null ? ws -> true : predicate(filter, now);
        List<LiveWebSocket> kept = open.stream().filter(keep).sorted(order(orderBy, now)).toList();
        long clientMessages = 0;
        long originMessages = 0;
        long clientBytes = 0;
        long edgeBytes = 0;
        for (LiveWebSocket ws : kept) {
            clientMessages += ws.clientMessages();
            originMessages += ws.originMessages();
            clientBytes += ws.clientRequestBytes();
            edgeBytes += ws.edgeResponseBytes();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("count", (long) kept.size());
        answer.put("sum", Map.of("clientMessages", clientMessages, "originMessages", originMessages,
                "clientRequestBytes", clientBytes, "edgeResponseBytes", edgeBytes));
        answer.put("connections", kept.stream().limit(n).map(ws -> connection(ws, now)).toList());
        return answer;
    }

    private static Map<String, Object> connection(LiveWebSocket ws, Instant now) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("connectionId", ws.rayId());
        c.put("rayId", ws.rayId());
        c.put("clientIP", ws.clientIp());
        c.put("clientRequestHTTPHost", ws.host());
        c.put("clientRequestPath", ws.path());
        c.put("startedAt", ws.startedAt().toString());
        c.put("ageSeconds", age(ws, now));
        c.put("clientMessages", ws.clientMessages());
        c.put("originMessages", ws.originMessages());
        c.put("clientRequestBytes", ws.clientRequestBytes());
        c.put("edgeResponseBytes", ws.edgeResponseBytes());
        c.put("node", ws.node());
        return c;
    }

    /** Whole seconds since its upgrade; never negative, even against another node's clock. */
    private static long age(LiveWebSocket ws, Instant now) {
        return Math.max(0, Duration.between(ws.startedAt(), now).toSeconds());
    }

    @SuppressWarnings("unchecked")
    private static Predicate<LiveWebSocket> predicate(Map<String, Object> filter, Instant now) {
        Predicate<LiveWebSocket> all = ws -> true;
        for (Map.Entry<String, Object> condition : filter.entrySet()) {
            String key = condition.getKey();
            Object value = condition.getValue();
            if (value == null) {
                continue;
            }
            Predicate<LiveWebSocket> p;
            if (key.equals("AND")) {
                p = ws -> true;
                for (Map<String, Object> part : (List<Map<String, Object>>) value) {
                    p = p.and(predicate(part, now));
                }
            } else if (key.startsWith("ageSeconds_")) {
                long bound = ((Number) value).longValue();
                p = switch (key) {
                    case "ageSeconds_gt" -> ws -> age(ws, now) > bound;
                    case "ageSeconds_lt" -> ws -> age(ws, now) < bound;
                    case "ageSeconds_geq" -> ws -> age(ws, now) >= bound;
                    default -> ws -> age(ws, now) <= bound;
                };
            } else {
                p = text(key, value);
            }
            all = all.and(p);
        }
        return all;
    }

    @SuppressWarnings("unchecked")
    private static Predicate<LiveWebSocket> text(String key, Object value) {
        int cut = key.lastIndexOf('_');
        String suffix = cut < 0 ? "" : key.substring(cut);
        String field = TEXT.containsKey(key) ? key : key.substring(0, cut);
        Function<LiveWebSocket, String> read = TEXT.get(field);
        return switch (TEXT.containsKey(key) ? "" : suffix) {
            case "" -> ws -> value.equals(read.apply(ws));
            case "_neq" -> ws -> !value.equals(read.apply(ws));
            case "_in" -> ws -> ((List<String>) value).contains(read.apply(ws));
            case "_like" -> {
                Pattern like = like((String) value);
                yield ws -> read.apply(ws) != null && like.matcher(read.apply(ws)).matches();
            }
            default -> throw new IllegalArgumentException("filter: " + key + " (expected: a field of " + FILTER + ")");
        };
    }

    /** SQL's LIKE: {@code %} any run of characters, {@code _} one character, everything else itself. */
    private static Pattern like(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '%' -> regex.append(".*");
                case '_' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** The orders named, in turn; then oldest first, then by RayID, so that an answer is the same each time. */
    private static Comparator<LiveWebSocket> order(List<String> orderBy, Instant now) {
        Comparator<LiveWebSocket> order = (x, y) -> 0;
        for (String value : orderBy == null ? List.<String>of() : orderBy) {
            boolean descending = value.endsWith("_DESC");
            String field = value.substring(0, value.lastIndexOf('_'));
            Comparator<LiveWebSocket> by;
            if (field.equals("startedAt")) {
                by = Comparator.comparing(LiveWebSocket::startedAt);
            } else if (field.equals("ageSeconds")) {
                by = Comparator.comparingLong(ws -> age(ws, now));
            } else if (NUMBERS.containsKey(field)) {
                by = Comparator.comparingLong(NUMBERS.get(field));
            } else {
                by = Comparator.comparing(TEXT.get(field), Comparator.nullsFirst(Comparator.naturalOrder()));
            }
            order = order.thenComparing(descending ? by.reversed() : by);
        }
        return order.thenComparing(LiveWebSocket::startedAt).thenComparing(LiveWebSocket::rayId);
    }
}
