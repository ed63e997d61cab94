package dev.pier.analytics;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes request logs as NDJSON, one object per line, on a thread of its own so that the event
 * loops never touch the disk. The queue is unbounded: a slow disk costs memory, never records.
 * A file is appended to (it survives restarts) and flushed whenever the queue runs dry.
 */
public final class NdjsonRequestLogWriter implements RequestLogSink, AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(NdjsonRequestLogWriter.class);
    private static final RequestLog POISON = new RequestLog();
    private static final JsonFactory JSON = new JsonFactory();

    private final LinkedBlockingQueue<RequestLog> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Path file;
    private final OutputStream out;

    /** @param file the log file, created with its folders if needed; {@code null} for standard output */
    public NdjsonRequestLogWriter(Path file) throws IOException {
        this.file = file;
        if (file == null) {
            out = new BufferedOutputStream(System.out, 64 * 1024) {
                @Override
                public void close() throws IOException {
                    flush(); // never close the process's stdout
                }
            };
        } else {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            out = new BufferedOutputStream(Files.newOutputStream(file,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE), 64 * 1024);
        }
        thread = new Thread(this::run, "pier-request-log");
        thread.setDaemon(true);
        thread.start();
    }

    /** Where this writer writes, or {@code null} for standard output. */
    public Path file() {
        return file;
    }

    @Override
    public void accept(RequestLog log) {
        queue.add(log);
    }

    private void run() {
        List<RequestLog> batch = new ArrayList<>();
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.setRootValueSeparator(null);
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch);
                for (RequestLog log : batch) {
                    if (log == POISON) {
                        json.flush();
                        return;
                    }
                    write(json, log);
                }
                batch.clear();
                json.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            logger.error("Request log {} cannot be written; records are being lost: {}",
                    file == null ? "stdout" : file, e.toString());
        }
    }

    private static void write(JsonGenerator json, RequestLog log) throws IOException {
        json.writeStartObject();
        json.writeStringField("RayID", log.rayId);
        json.writeStringField("ZoneName", log.zoneName);
        json.writeStringField("ClientIP", log.clientIp);
        json.writeNumberField("ClientSrcPort", log.clientSrcPort);
        json.writeStringField("ClientRequestScheme", log.clientRequestScheme);
        json.writeStringField("ClientRequestHost", log.clientRequestHost);
        json.writeStringField("ClientRequestMethod", log.clientRequestMethod);
        json.writeStringField("ClientRequestURI", log.clientRequestUri);
        json.writeStringField("ClientRequestProtocol", log.clientRequestProtocol);
        json.writeStringField("ClientRequestUserAgent", log.clientRequestUserAgent);
        json.writeNumberField("ClientRequestBytes", log.clientRequestBytes);
        json.writeStringField("EdgeStartTimestamp", timestamp(log.edgeStartTimestamp));
        json.writeStringField("EdgeEndTimestamp", timestamp(log.edgeEndTimestamp));
        json.writeNumberField("EdgeResponseStatus", log.edgeResponseStatus);
        json.writeNumberField("EdgeResponseBytes", log.edgeResponseBytes);
        json.writeNumberField("OriginResponseStatus", log.originResponseStatus);
        json.writeNumberField("OriginResponseBytes", log.originResponseBytes);
        json.writeStringField("OriginIP", log.originIp);
        if (log.edgeError != null) {
            json.writeStringField("EdgeError", log.edgeError);
        }
        if (log.securityAction != null) {
            json.writeStringField("SecurityAction", log.securityAction);
            json.writeStringField("SecurityRuleID", log.securityRuleId);
        }
        if (log.securityActions != null && !log.securityActions.isEmpty()) {
            stringArray(json, "SecurityActions", log.securityActions);
            stringArray(json, "SecurityRuleIDs", log.securityRuleIds);
            stringArray(json, "SecuritySources", log.securitySources);
        }
        if (log.wafAttackScore > 0) {
            json.writeNumberField("WAFAttackScore", log.wafAttackScore);
            json.writeNumberField("WAFSQLiAttackScore", log.wafSqliAttackScore);
            json.writeNumberField("WAFXSSAttackScore", log.wafXssAttackScore);
            json.writeNumberField("WAFRCEAttackScore", log.wafRceAttackScore);
        }
        json.writeBooleanField("WebSocket", log.webSocket);
        if (log.webSocket) {
            json.writeNumberField("WebSocketClientMessages", log.webSocketClientMessages);
            json.writeNumberField("WebSocketOriginMessages", log.webSocketOriginMessages);
            json.writeNumberField("WebSocketCloseCode", log.webSocketCloseCode);
            json.writeStringField("WebSocketClosedBy",
                    log.webSocketClosedBy == null ? null : log.webSocketClosedBy.name());
        }
        json.writeEndObject();
        json.writeRaw('\n');
    }

    private static String timestamp(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** Writes everything queued so far, then stops. */
    @Override
    public void close() throws IOException {
        queue.add(POISON);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.close();
    }

    private static void stringArray(JsonGenerator json, String name, java.util.List<String> values) throws IOException {
        json.writeArrayFieldStart(name);
        for (String v : values) {
            json.writeString(v);
        }
        json.writeEndArray();
    }
}
