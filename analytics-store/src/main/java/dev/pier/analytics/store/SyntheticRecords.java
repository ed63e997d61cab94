package dev.pier.analytics.store;

import dev.pier.analytics.RequestLog;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Request log records as an edge writes them, made up deterministically from a seed, in time
 * order: a mix of plain requests (mostly GETs answered 200, some 304, 404 and 5xx), WebSocket
 * upgrades of seconds to minutes, long WebSockets of hours, upgrades and requests the WAF
 * blocked, and managed challenges, over a number of zones, each with a few host names, a few
 * hundred paths (some far more popular than others), from 8,000 client addresses. RayIDs are
 * unique within a seed. For tests and the store benchmark.
 */
public final class SyntheticRecords implements Iterator<RequestLog> {

    private static final String[] SEGMENTS = {"api", "chat", "v1", "v2", "users", "rooms", "static", "img", "feed", "live", "ws", "search"};
    private static final int PATHS = 300;

    private final SplittableRandom random;
    private final long rayMask;
    private final int zones;
    private final long startMicros;
    private final long stepMicros;
    private final long count;
    private long made;

    /**
     * @param seed   the same seed makes the same records
     * @param zones  how many zones ({@code zone0.example} …)
     * @param start  the first record's start
     * @param span   the records' starts spread evenly over this span
     * @param count  how many records
     */
    public SyntheticRecords(long seed, int zones, Instant start, Duration span, long count) {
        if (zones < 1 || count < 1 || span.isNegative() || span.isZero()) {
            throw new IllegalArgumentException("synthetic records: " + zones + " zones, " + count + " records over " + span
                    + " (expected: at least one of each, over a positive span)");
        }
        this.random = new SplittableRandom(seed);
        this.rayMask = new SplittableRandom(~seed).nextLong();
        this.zones = zones;
        this.startMicros = start.getEpochSecond() * 1_000_000 + start.getNano() / 1_000;
        this.stepMicros = Math.max(1, span.toNanos() / 1_000 / count);
        this.count = count;
    }

    /** The name of zone {@code i}. */
    public static String zone(int i) {
        return "zone" + i + ".example";
    }

    @Override
    public boolean hasNext() {
        return made < count;
    }

    @Override
    public RequestLog next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        long i = made++;
        long micros = startMicros + i * stepMicros + random.nextLong(stepMicros);
        Instant start = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
        int zoneIndex = skewed(zones);
        String zone = zone(zoneIndex);
        String host = switch (random.nextInt(4)) {
            case 0 -> zone;
            case 1 -> "api." + zone;
            default -> "www." + zone;
        };
        var log = RequestLog.builder()
                .rayId(String.format("%016x", i * 0x9E3779B97F4A7C15L ^ rayMask)) // odd multiplier: one RayID per index
                .zoneName(zone)
                .clientIp("10." + random.nextInt(4) + "." + random.nextInt(40) + "." + random.nextInt(50))
                .clientSrcPort(1024 + random.nextInt(60_000))
                .clientRequestScheme(i % 5 == 0 ? "http" : "https") // one in five in the clear
                .clientRequestHost(host)
                .clientRequestProtocol(i % 7 == 0 ? "HTTP/1.0" : "HTTP/1.1")
                .clientRequestUserAgent("synthetic/1.0")
                .edgeStartTimestamp(start)
                .originIp("192.0.2." + (1 + zoneIndex % 250));
        String path = path(skewed(PATHS));
        int kind = random.nextInt(1000);
        if (kind < 800) { // a plain request
            int s = random.nextInt(100);
            int status = s < 85 ? 200 : s < 92 ? 304 : s < 98 ? 404 : 502;
            long body = status == 200 ? 200 + random.nextInt(20_000) : 0;
            log.clientRequestMethod(random.nextInt(10) < 9 ? "GET" : "POST").clientRequestUri(path + (random.nextBoolean() ? "" : "?q=" + random.nextInt(100)))
                    .clientRequestBytes(300 + random.nextInt(500)).edgeResponseStatus(status).originResponseStatus(status)
                    .edgeResponseBytes(250 + body).originResponseBytes(200 + body);
            return log.finish(start.plusMillis(1 + random.nextInt(300)));
        }
        log.clientRequestMethod("GET").clientRequestUri(path);
        if (kind < 900 || kind >= 980) { // an upgrade; one in six of them a long WebSocket
            boolean longLived = kind >= 980;
            long seconds = longLived ? 3_600 + random.nextInt(6 * 3_600) : 1 + random.nextInt(600);
            long fromClient = random.nextInt(longLived ? 5_000 : 200);
            long fromOrigin = random.nextInt(longLived ? 20_000 : 500);
            int closeKind = random.nextInt(10);
            RequestLog.ClosedBy by = closeKind < 6 ? RequestLog.ClosedBy.client : closeKind < 8 ? RequestLog.ClosedBy.origin : RequestLog.ClosedBy.edge;
            int code = closeKind < 5 ? 1000 : closeKind < 6 ? 1006 : closeKind < 8 ? 1001 : closeKind < 9 ? 1001 : 1009;
            log.webSocket(true).edgeResponseStatus(101).originResponseStatus(101)
                    .clientRequestBytes(220 + fromClient * 40).edgeResponseBytes(175 + fromOrigin * 60).originResponseBytes(150 + fromOrigin * 60)
                    .webSocketClientMessages(fromClient).webSocketOriginMessages(fromOrigin).webSocketCloseCode(code).webSocketClosedBy(by);
            return log.finish(start.plusSeconds(seconds));
        }
        // refused by the WAF: blocked (upgrades and plain requests alike) or challenged
        String action = kind < 960 ? "block" : "managedChallenge";
        log.edgeResponseStatus(403).edgeResponseBytes(300 + random.nextInt(200)).clientRequestBytes(300 + random.nextInt(300))
                .edgeError(action.equals("block") ? "BLOCKED" : "CHALLENGE_REQUIRED").securityAction(action).securityRuleId("rule" + random.nextInt(5))
                .securityActions(java.util.List.of(action)).securityRuleIds(java.util.List.of("rule0")).securitySources(java.util.List.of("firewallCustom"));
        return log.finish(start.plusMillis(1));
    }

    /** 0 to n-1, small ones far more often (roughly Zipf-like). */
    private int skewed(int n) {
        double u = random.nextDouble();
        return (int) Math.min(n - 1, Math.floor(n * u * u * u));
    }

    private static String path(int i) {
        return "/" + SEGMENTS[i % SEGMENTS.length] + "/" + SEGMENTS[(i / SEGMENTS.length) % SEGMENTS.length] + "/" + i;
    }
}
