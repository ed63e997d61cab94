package dev.pier.analytics;

import java.time.Instant;
import java.util.List;

/**
 * A request's log as the request goes: each phase fills in what it learns, on the connection's
 * event loop (it is not thread-safe), and {@link #finish} makes the immutable
 * {@link RequestLog} once, when the request or the WebSocket connection ends.
 *
 * <p>A WebSocket's builder lives as long as its connection, idle or not, so it is kept small:
 * what only a Worker's request or a request the WAF scored fills in lives in parts made when
 * first set, the start is a number, and {@link #pack} puts the request's own strings into one
 * array once the request has become a connection.
 */
public final class RequestLogBuilder {

    /** {@link #edgeStartNanos} when no start was set. */
    private static final long NO_START = Long.MIN_VALUE;

    // The request's own strings, in the order pack() keeps them
    private static final int RAY_ID = 0;
    private static final int CLIENT_IP = 1;
    private static final int HOST = 2;
    private static final int URI = 3;
    private static final int USER_AGENT = 4;
    private static final int ORIGIN_IP = 5;

    private String rayId;
    private String clientIp;
    private String clientRequestHost;
    private String clientRequestUri;
    private String clientRequestUserAgent;
    private String originIp;
    /** The six strings above once {@link #pack} ran (they are null then); null before. */
    private byte[] packed;

    private int clientSrcPort;
    private String clientRequestScheme = "http";
    private String clientRequestMethod;
    private String clientRequestProtocol;
    private long clientRequestBytes;
    /** Nanoseconds since the epoch; {@link #NO_START} for none. */
    private long edgeStartNanos = NO_START;
    private Instant edgeEndTimestamp;
    private int edgeResponseStatus;
    private long edgeResponseBytes;
    private int originResponseStatus;
    private long originResponseBytes;
    private String zoneName;
    private String edgeError;
    private WorkerPart worker;
    private SecurityPart security;
    private boolean webSocket;
    private long webSocketClientMessages;
    private long webSocketOriginMessages;
    private int webSocketCloseCode;
    private RequestLog.ClosedBy webSocketClosedBy;
    private boolean finished;

    // The parts are made when a setter first stores a value other than the unset one (null, 0):
    // the WAF's phase sets its scores on every request it runs on, 0 when managed rules did not run.

    /** What only a Worker's request fills in. */
    private static final class WorkerPart {
        String scriptName;
        String status;
        long cpuTime;
        long wallTimeUs;
    }

    /** What only a request the WAF ran on fills in. */
    private static final class SecurityPart {
        String action;
        String ruleId;
        List<String> actions;
        List<String> ruleIds;
        List<String> sources;
        int attackScore;
        int sqliAttackScore;
        int xssAttackScore;
        int rceAttackScore;
    }

    RequestLogBuilder() {
    }

    public RequestLogBuilder rayId(String rayId) {
        checkNotPacked();
        this.rayId = rayId;
        return this;
    }

    public String rayId() {
        return packed == null ? rayId : PackedStrings.get(packed, RAY_ID);
    }

    public RequestLogBuilder clientIp(String clientIp) {
        checkNotPacked();
        this.clientIp = clientIp;
        return this;
    }

    public String clientIp() {
        return packed == null ? clientIp : PackedStrings.get(packed, CLIENT_IP);
    }

    public RequestLogBuilder clientSrcPort(int clientSrcPort) {
        this.clientSrcPort = clientSrcPort;
        return this;
    }

    public int clientSrcPort() {
        return clientSrcPort;
    }

    public RequestLogBuilder clientRequestScheme(String clientRequestScheme) {
        this.clientRequestScheme = clientRequestScheme;
        return this;
    }

    public String clientRequestScheme() {
        return clientRequestScheme;
    }

    public RequestLogBuilder clientRequestHost(String clientRequestHost) {
        checkNotPacked();
        this.clientRequestHost = clientRequestHost;
        return this;
    }

    public String clientRequestHost() {
        return packed == null ? clientRequestHost : PackedStrings.get(packed, HOST);
    }

    public RequestLogBuilder clientRequestMethod(String clientRequestMethod) {
        this.clientRequestMethod = clientRequestMethod;
        return this;
    }

    public String clientRequestMethod() {
        return clientRequestMethod;
    }

    public RequestLogBuilder clientRequestUri(String clientRequestUri) {
        checkNotPacked();
        this.clientRequestUri = clientRequestUri;
        return this;
    }

    public String clientRequestUri() {
        return packed == null ? clientRequestUri : PackedStrings.get(packed, URI);
    }

    public RequestLogBuilder clientRequestProtocol(String clientRequestProtocol) {
        this.clientRequestProtocol = clientRequestProtocol;
        return this;
    }

    public String clientRequestProtocol() {
        return clientRequestProtocol;
    }

    public RequestLogBuilder clientRequestUserAgent(String clientRequestUserAgent) {
        checkNotPacked();
        this.clientRequestUserAgent = clientRequestUserAgent;
        return this;
    }

    public String clientRequestUserAgent() {
        return packed == null ? clientRequestUserAgent : PackedStrings.get(packed, USER_AGENT);
    }

    public RequestLogBuilder clientRequestBytes(long clientRequestBytes) {
        this.clientRequestBytes = clientRequestBytes;
        return this;
    }

    public long clientRequestBytes() {
        return clientRequestBytes;
    }

    public RequestLogBuilder edgeStartTimestamp(Instant edgeStartTimestamp) {
        this.edgeStartNanos = edgeStartTimestamp == null ? NO_START
                : Math.addExact(Math.multiplyExact(edgeStartTimestamp.getEpochSecond(), 1_000_000_000L), edgeStartTimestamp.getNano());
        return this;
    }

    public Instant edgeStartTimestamp() {
        return edgeStartNanos == NO_START ? null
                : Instant.ofEpochSecond(Math.floorDiv(edgeStartNanos, 1_000_000_000L), Math.floorMod(edgeStartNanos, 1_000_000_000L));
    }

    public RequestLogBuilder edgeEndTimestamp(Instant edgeEndTimestamp) {
        this.edgeEndTimestamp = edgeEndTimestamp;
        return this;
    }

    public Instant edgeEndTimestamp() {
        return edgeEndTimestamp;
    }

    public RequestLogBuilder edgeResponseStatus(int edgeResponseStatus) {
        this.edgeResponseStatus = edgeResponseStatus;
        return this;
    }

    public int edgeResponseStatus() {
        return edgeResponseStatus;
    }

    public RequestLogBuilder edgeResponseBytes(long edgeResponseBytes) {
        this.edgeResponseBytes = edgeResponseBytes;
        return this;
    }

    public long edgeResponseBytes() {
        return edgeResponseBytes;
    }

    public RequestLogBuilder originResponseStatus(int originResponseStatus) {
        this.originResponseStatus = originResponseStatus;
        return this;
    }

    public int originResponseStatus() {
        return originResponseStatus;
    }

    public RequestLogBuilder originResponseBytes(long originResponseBytes) {
        this.originResponseBytes = originResponseBytes;
        return this;
    }

    public long originResponseBytes() {
        return originResponseBytes;
    }

    public RequestLogBuilder originIp(String originIp) {
        checkNotPacked();
        this.originIp = originIp;
        return this;
    }

    public String originIp() {
        return packed == null ? originIp : PackedStrings.get(packed, ORIGIN_IP);
    }

    public RequestLogBuilder workerScriptName(String workerScriptName) {
        if (workerScriptName != null || worker != null) {
            worker().scriptName = workerScriptName;
        }
        return this;
    }

    public String workerScriptName() {
        return worker == null ? null : worker.scriptName;
    }

    public RequestLogBuilder workerStatus(String workerStatus) {
        if (workerStatus != null || worker != null) {
            worker().status = workerStatus;
        }
        return this;
    }

    public String workerStatus() {
        return worker == null ? null : worker.status;
    }

    /** Adds CPU time the Worker's code took (an invocation, or one WebSocket event). */
    public RequestLogBuilder addWorkerCpuTime(long micros) {
        if (micros != 0 || worker != null) {
            worker().cpuTime += micros;
        }
        return this;
    }

    public long workerCpuTime() {
        return worker == null ? 0 : worker.cpuTime;
    }

    public RequestLogBuilder workerWallTimeUs(long workerWallTimeUs) {
        if (workerWallTimeUs != 0 || worker != null) {
            worker().wallTimeUs = workerWallTimeUs;
        }
        return this;
    }

    public long workerWallTimeUs() {
        return worker == null ? 0 : worker.wallTimeUs;
    }

    public RequestLogBuilder zoneName(String zoneName) {
        this.zoneName = zoneName;
        return this;
    }

    public String zoneName() {
        return zoneName;
    }

    public RequestLogBuilder edgeError(String edgeError) {
        this.edgeError = edgeError;
        return this;
    }

    public String edgeError() {
        return edgeError;
    }

    public RequestLogBuilder securityAction(String securityAction) {
        if (securityAction != null || security != null) {
            security().action = securityAction;
        }
        return this;
    }

    public String securityAction() {
        return security == null ? null : security.action;
    }

    public RequestLogBuilder securityRuleId(String securityRuleId) {
        if (securityRuleId != null || security != null) {
            security().ruleId = securityRuleId;
        }
        return this;
    }

    public String securityRuleId() {
        return security == null ? null : security.ruleId;
    }

    public RequestLogBuilder securityActions(List<String> securityActions) {
        if (securityActions != null || security != null) {
            security().actions = securityActions;
        }
        return this;
    }

    public List<String> securityActions() {
        return security == null ? null : security.actions;
    }

    public RequestLogBuilder securityRuleIds(List<String> securityRuleIds) {
        if (securityRuleIds != null || security != null) {
            security().ruleIds = securityRuleIds;
        }
        return this;
    }

    public List<String> securityRuleIds() {
        return security == null ? null : security.ruleIds;
    }

    public RequestLogBuilder securitySources(List<String> securitySources) {
        if (securitySources != null || security != null) {
            security().sources = securitySources;
        }
        return this;
    }

    public List<String> securitySources() {
        return security == null ? null : security.sources;
    }

    public RequestLogBuilder wafAttackScore(int wafAttackScore) {
        if (wafAttackScore != 0 || security != null) {
            security().attackScore = wafAttackScore;
        }
        return this;
    }

    public int wafAttackScore() {
        return security == null ? 0 : security.attackScore;
    }

    public RequestLogBuilder wafSqliAttackScore(int wafSqliAttackScore) {
        if (wafSqliAttackScore != 0 || security != null) {
            security().sqliAttackScore = wafSqliAttackScore;
        }
        return this;
    }

    public int wafSqliAttackScore() {
        return security == null ? 0 : security.sqliAttackScore;
    }

    public RequestLogBuilder wafXssAttackScore(int wafXssAttackScore) {
        if (wafXssAttackScore != 0 || security != null) {
            security().xssAttackScore = wafXssAttackScore;
        }
        return this;
    }

    public int wafXssAttackScore() {
        return security == null ? 0 : security.xssAttackScore;
    }

    public RequestLogBuilder wafRceAttackScore(int wafRceAttackScore) {
        if (wafRceAttackScore != 0 || security != null) {
            security().rceAttackScore = wafRceAttackScore;
        }
        return this;
    }

    public int wafRceAttackScore() {
        return security == null ? 0 : security.rceAttackScore;
    }

    public RequestLogBuilder webSocket(boolean webSocket) {
        this.webSocket = webSocket;
        return this;
    }

    public boolean webSocket() {
        return webSocket;
    }

    public RequestLogBuilder webSocketClientMessages(long webSocketClientMessages) {
        this.webSocketClientMessages = webSocketClientMessages;
        return this;
    }

    public long webSocketClientMessages() {
        return webSocketClientMessages;
    }

    public RequestLogBuilder webSocketOriginMessages(long webSocketOriginMessages) {
        this.webSocketOriginMessages = webSocketOriginMessages;
        return this;
    }

    public long webSocketOriginMessages() {
        return webSocketOriginMessages;
    }

    public RequestLogBuilder webSocketCloseCode(int webSocketCloseCode) {
        this.webSocketCloseCode = webSocketCloseCode;
        return this;
    }

    public int webSocketCloseCode() {
        return webSocketCloseCode;
    }

    public RequestLogBuilder webSocketClosedBy(RequestLog.ClosedBy webSocketClosedBy) {
        this.webSocketClosedBy = webSocketClosedBy;
        return this;
    }

    public RequestLog.ClosedBy webSocketClosedBy() {
        return webSocketClosedBy;
    }

    /** Adds bytes received from the client (a WebSocket's frames after its upgrade request). */
    public RequestLogBuilder addClientRequestBytes(long bytes) {
        this.clientRequestBytes += bytes;
        return this;
    }

    /** Adds bytes received from the origin (a WebSocket's frames after its 101). */
    public RequestLogBuilder addOriginResponseBytes(long bytes) {
        this.originResponseBytes += bytes;
        return this;
    }

    private WorkerPart worker() {
        if (worker == null) {
            worker = new WorkerPart();
        }
        return worker;
    }

    private SecurityPart security() {
        if (security == null) {
            security = new SecurityPart();
        }
        return security;
    }

    /**
     * Puts the request's own strings (RayID, client IP, host, URI, user agent, origin IP) into
     * one array, for a record that is kept as long as a connection: about 40 bytes each on their
     * own, a few bytes each packed. Call it once they are all set (they cannot be set after) and
     * before another thread may read the record; reading one afterwards decodes it again.
     */
    public void pack() {
        if (packed == null) {
            packed = PackedStrings.pack(rayId, clientIp, clientRequestHost, clientRequestUri, clientRequestUserAgent, originIp);
            rayId = clientIp = clientRequestHost = clientRequestUri = clientRequestUserAgent = originIp = null;
        }
    }

    private void checkNotPacked() {
        if (packed != null) {
            throw new IllegalStateException("the request's own strings are packed: they are set before pack()");
        }
    }

    /** Whether {@link #finish} has made the record. */
    public boolean finished() {
        return finished;
    }

    /** The record, ended at {@code end}; null when it was already made (a request is never logged twice). */
    public RequestLog finish(Instant end) {
        if (finished) {
            return null;
        }
        finished = true;
        edgeEndTimestamp = end;
        return new RequestLog(rayId(), clientIp(), clientSrcPort, clientRequestScheme, clientRequestHost(), clientRequestMethod,
                clientRequestUri(), clientRequestProtocol, clientRequestUserAgent(), clientRequestBytes, edgeStartTimestamp(),
                edgeEndTimestamp, edgeResponseStatus, edgeResponseBytes, originResponseStatus, originResponseBytes, originIp(),
                zoneName, edgeError, securityAction(), securityRuleId(), securityActions(), securityRuleIds(), securitySources(),
                wafAttackScore(), wafSqliAttackScore(), wafXssAttackScore(), wafRceAttackScore(), webSocket, webSocketClientMessages,
                webSocketOriginMessages, webSocketCloseCode, webSocketClosedBy, workerScriptName(), workerStatus(), workerCpuTime(),
                workerWallTimeUs());
    }
}
