package dev.pier.analytics.store;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLogFields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch of records as the spool keeps it: NDJSON with the request log's field names (the
 * fields {@link RequestLogFields} lists, those each record carries), read back into the same
 * records.
 */
final class SpoolCodec {

    private static final JsonFactory JSON = new JsonFactory();

    private SpoolCodec() {
    }

    static byte[] encode(List<RequestLog> batch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(batch.size() * 600);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.setRootValueSeparator(null);
            for (RequestLog log : batch) {
                json.writeStartObject();
                for (RequestLogFields.Field field : RequestLogFields.ALL) {
                    Object value = field.value().apply(log);
                    if (!field.present().test(log) || value == null) {
                        continue;
                    }
                    json.writeFieldName(field.name());
                    switch (field.type()) {
                        case STRING -> json.writeString((String) value);
                        case INT -> json.writeNumber((Integer) value);
                        case LONG -> json.writeNumber((Long) value);
                        case BOOLEAN -> json.writeBoolean((Boolean) value);
                        case TIMESTAMP -> json.writeString(value.toString());
                        case STRING_ARRAY -> {
                            json.writeStartArray();
                            for (Object v : (List<?>) value) {
                                json.writeString((String) v);
                            }
                            json.writeEndArray();
                        }
                    }
                }
                json.writeEndObject();
                json.writeRaw('\n');
            }
        }
        return out.toByteArray();
    }

    /** @throws IOException when the bytes are not a whole batch this codec wrote */
    static List<RequestLog> decode(byte[] bytes) throws IOException {
        List<RequestLog> batch = new ArrayList<>();
        try (JsonParser p = JSON.createParser(bytes)) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
                Map<String, Object> f = new HashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken t = p.nextToken();
                    f.put(name, switch (t) {
                        case VALUE_STRING -> p.getText();
                        case VALUE_NUMBER_INT -> p.getLongValue();
                        case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
                        case START_ARRAY -> {
                            List<String> values = new ArrayList<>();
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                values.add(p.getText());
                            }
                            yield values;
                        }
                        default -> throw new IOException("spooled record: field " + name + " is " + t);
                    });
                }
                batch.add(record(f));
            }
        }
        return batch;
    }

    @SuppressWarnings("unchecked")
    private static RequestLog record(Map<String, Object> f) {
        String closedBy = (String) f.get("WebSocketClosedBy");
        return new RequestLog((String) f.get("RayID"), (String) f.get("ClientIP"), i(f, "ClientSrcPort"), (String) f.get("ClientRequestScheme"),
                (String) f.get("ClientRequestHost"), (String) f.get("ClientRequestMethod"), (String) f.get("ClientRequestURI"),
                (String) f.get("ClientRequestProtocol"), (String) f.get("ClientRequestUserAgent"), l(f, "ClientRequestBytes"),
                t(f, "EdgeStartTimestamp"), t(f, "EdgeEndTimestamp"), i(f, "EdgeResponseStatus"), l(f, "EdgeResponseBytes"),
                i(f, "OriginResponseStatus"), l(f, "OriginResponseBytes"), (String) f.get("OriginIP"), (String) f.get("ZoneName"),
                (String) f.get("EdgeError"), (String) f.get("SecurityAction"), (String) f.get("SecurityRuleID"),
                (List<String>) f.get("SecurityActions"), (List<String>) f.get("SecurityRuleIDs"), (List<String>) f.get("SecuritySources"),
                i(f, "WAFAttackScore"), i(f, "WAFSQLiAttackScore"), i(f, "WAFXSSAttackScore"), i(f, "WAFRCEAttackScore"),
                Boolean.TRUE.equals(f.get("WebSocket")), l(f, "WebSocketClientMessages"), l(f, "WebSocketOriginMessages"),
                i(f, "WebSocketCloseCode"), closedBy == null ? null : RequestLog.ClosedBy.valueOf(closedBy),
                (String) f.get("WorkerScriptName"), (String) f.get("WorkerStatus"), l(f, "WorkerCPUTime"), l(f, "WorkerWallTimeUs"));
    }

    private static int i(Map<String, Object> f, String name) {
        return (int) l(f, name);
    }

    private static long l(Map<String, Object> f, String name) {
        Object v = f.get(name);
        return v == null ? 0 : (Long) v;
    }

    private static Instant t(Map<String, Object> f, String name) {
        Object v = f.get(name);
        return v == null ? null : Instant.parse((String) v);
    }
}
