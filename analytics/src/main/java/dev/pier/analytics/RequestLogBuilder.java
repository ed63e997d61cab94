package dev.pier.analytics;

import java.time.Instant;
import java.util.List;

/**
 * A request's log as the request goes: each phase fills in what it learns, on the connection's
 * event loop (it is not thread-safe), and {@link #finish} makes the immutable
 * {@link RequestLog} once, when the request or the WebSocket connection ends.
 */
public final class RequestLogBuilder {

    private String rayId;
    private String clientIp;
    private int clientSrcPort;
    private String clientRequestScheme = "http";
    private String clientRequestHost;
    private String clientRequestMethod;
    private String clientRequestUri;
    private String clientRequestProtocol;
    private String clientRequestUserAgent;
    private long clientRequestBytes;
    private Instant edgeStartTimestamp;
    private Instant edgeEndTimestamp;
    private int edgeResponseStatus;
    private long edgeResponseBytes;
    private int originResponseStatus;
    private long originResponseBytes;
    private String originIp;
    private String workerScriptName;
    private String workerStatus;
    private long workerCpuTime;
    private long workerWallTimeUs;
    private String zoneName;
    private String edgeError;
    private String securityAction;
    private String securityRuleId;
    private List<String> securityActions;
    private List<String> securityRuleIds;
    private List<String> securitySources;
    private int wafAttackScore;
    private int wafSqliAttackScore;
    private int wafXssAttackScore;
    private int wafRceAttackScore;
    private boolean webSocket;
    private long webSocketClientMessages;
    private long webSocketOriginMessages;
    private int webSocketCloseCode;
    private RequestLog.ClosedBy webSocketClosedBy;
    private boolean finished;

    RequestLogBuilder() {
    }

    public RequestLogBuilder rayId(String rayId) {
        this.rayId = rayId;
        return this;
    }

    public String rayId() {
        return rayId;
    }

    public RequestLogBuilder clientIp(String clientIp) {
        this.clientIp = clientIp;
        return this;
    }

    public String clientIp() {
        return clientIp;
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
        this.clientRequestHost = clientRequestHost;
        return this;
    }

    public String clientRequestHost() {
        return clientRequestHost;
    }

    public RequestLogBuilder clientRequestMethod(String clientRequestMethod) {
        this.clientRequestMethod = clientRequestMethod;
        return this;
    }

    public String clientRequestMethod() {
        return clientRequestMethod;
    }

    public RequestLogBuilder clientRequestUri(String clientRequestUri) {
        this.clientRequestUri = clientRequestUri;
        return this;
    }

    public String clientRequestUri() {
        return clientRequestUri;
    }

    public RequestLogBuilder clientRequestProtocol(String clientRequestProtocol) {
        this.clientRequestProtocol = clientRequestProtocol;
        return this;
    }

    public String clientRequestProtocol() {
        return clientRequestProtocol;
    }

    public RequestLogBuilder clientRequestUserAgent(String clientRequestUserAgent) {
        this.clientRequestUserAgent = clientRequestUserAgent;
        return this;
    }

    public String clientRequestUserAgent() {
        return clientRequestUserAgent;
    }

    public RequestLogBuilder clientRequestBytes(long clientRequestBytes) {
        this.clientRequestBytes = clientRequestBytes;
        return this;
    }

    public long clientRequestBytes() {
        return clientRequestBytes;
    }

    public RequestLogBuilder edgeStartTimestamp(Instant edgeStartTimestamp) {
        this.edgeStartTimestamp = edgeStartTimestamp;
        return this;
    }

    public Instant edgeStartTimestamp() {
        return edgeStartTimestamp;
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
        this.originIp = originIp;
        return this;
    }

    public String originIp() {
        return originIp;
    }

    public RequestLogBuilder workerScriptName(String workerScriptName) {
        this.workerScriptName = workerScriptName;
        return this;
    }

    public String workerScriptName() {
        return workerScriptName;
    }

    public RequestLogBuilder workerStatus(String workerStatus) {
        this.workerStatus = workerStatus;
        return this;
    }

    public String workerStatus() {
        return workerStatus;
    }

    /** Adds CPU time the Worker's code took (an invocation, or one WebSocket event). */
    public RequestLogBuilder addWorkerCpuTime(long micros) {
        this.workerCpuTime += micros;
        return this;
    }

    public long workerCpuTime() {
        return workerCpuTime;
    }

    public RequestLogBuilder workerWallTimeUs(long workerWallTimeUs) {
        this.workerWallTimeUs = workerWallTimeUs;
        return this;
    }

    public long workerWallTimeUs() {
        return workerWallTimeUs;
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
        this.securityAction = securityAction;
        return this;
    }

    public String securityAction() {
        return securityAction;
    }

    public RequestLogBuilder securityRuleId(String securityRuleId) {
        this.securityRuleId = securityRuleId;
        return this;
    }

    public String securityRuleId() {
        return securityRuleId;
    }

    public RequestLogBuilder securityActions(List<String> securityActions) {
        this.securityActions = securityActions;
        return this;
    }

    public List<String> securityActions() {
        return securityActions;
    }

    public RequestLogBuilder securityRuleIds(List<String> securityRuleIds) {
        this.securityRuleIds = securityRuleIds;
        return this;
    }

    public List<String> securityRuleIds() {
        return securityRuleIds;
    }

    public RequestLogBuilder securitySources(List<String> securitySources) {
        this.securitySources = securitySources;
        return this;
    }

    public List<String> securitySources() {
        return securitySources;
    }

    public RequestLogBuilder wafAttackScore(int wafAttackScore) {
        this.wafAttackScore = wafAttackScore;
        return this;
    }

    public int wafAttackScore() {
        return wafAttackScore;
    }

    public RequestLogBuilder wafSqliAttackScore(int wafSqliAttackScore) {
        this.wafSqliAttackScore = wafSqliAttackScore;
        return this;
    }

    public int wafSqliAttackScore() {
        return wafSqliAttackScore;
    }

    public RequestLogBuilder wafXssAttackScore(int wafXssAttackScore) {
        this.wafXssAttackScore = wafXssAttackScore;
        return this;
    }

    public int wafXssAttackScore() {
        return wafXssAttackScore;
    }

    public RequestLogBuilder wafRceAttackScore(int wafRceAttackScore) {
        this.wafRceAttackScore = wafRceAttackScore;
        return this;
    }

    public int wafRceAttackScore() {
        return wafRceAttackScore;
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
        return new RequestLog(rayId, clientIp, clientSrcPort, clientRequestScheme, clientRequestHost, clientRequestMethod, clientRequestUri, clientRequestProtocol, clientRequestUserAgent, clientRequestBytes, edgeStartTimestamp, edgeEndTimestamp, edgeResponseStatus, edgeResponseBytes, originResponseStatus, originResponseBytes, originIp, zoneName, edgeError, securityAction, securityRuleId, securityActions, securityRuleIds, securitySources, wafAttackScore, wafSqliAttackScore, wafXssAttackScore, wafRceAttackScore, webSocket, webSocketClientMessages, webSocketOriginMessages, webSocketCloseCode, webSocketClosedBy, workerScriptName, workerStatus, workerCpuTime, workerWallTimeUs);
    }
}
