package dev.pier.workers.js;

import dev.pier.workers.DurableObjectId;
import dev.pier.workers.DurableObjectNamespace;
import dev.pier.workers.DurableObjectStorage;
import dev.pier.workers.DurableObjectStub;
import dev.pier.workers.Headers;
import dev.pier.workers.ListOptions;
import dev.pier.workers.Request;
import dev.pier.workers.RequestCf;
import dev.pier.workers.Response;
import dev.pier.workers.SqlStorageCursor;
import dev.pier.workers.WebSocket;
import dev.pier.workers.WebSocketRequestResponsePair;
import dev.pier.workers.host.TransactionLevels;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.graalvm.polyglot.HostAccess.Export;
import org.graalvm.polyglot.Value;

/**
 * The Java that runtime/objects.js calls for Durable Objects: namespaces, ids and stubs, and an
 * object's storage and Hibernation API through its {@link JsObjectState} handle. Values cross as
 * the text objects.js serializes them to (stored as its UTF-8 bytes). A call that cannot do what it
 * was asked returns a {@link Failure} (objects.js throws it), never a Java exception.
 */
public final class JsObjects {

    private final JsRealm realm;

    JsObjects(JsRealm realm) {
        this.realm = realm;
    }

    /** Why a call failed; objects.js throws it as a TypeError ({@code pierType}) or an Error. */
    public static final class Failure {
        @Export
        public final String pierWhy;
        @Export
        public final boolean pierType;

        Failure(RuntimeException e) {
            this.pierWhy = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            this.pierType = e instanceof IllegalArgumentException;
        }
    }

    private static Object attempt(Supplier<Object> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return new Failure(e);
        }
    }

    private static DurableObjectStorage storage(JsObjectState h) {
        return h.state.storage();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    private static List<String> strings(Value array) {
        List<String> out = new ArrayList<>((int) array.getArraySize());
        for (long i = 0; i < array.getArraySize(); i++) {
            out.add(array.getArrayElement(i).asString());
        }
        return out;
    }

    private static String[] flat(Map<String, byte[]> entries) {
        String[] out = new String[entries.size() * 2];
        int i = 0;
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            out[i++] = e.getKey();
            out[i++] = text(e.getValue());
        }
        return out;
    }

    private static byte[] bytes(Value buffer, int offset, int length) {
        byte[] out = new byte[length];
        buffer.readBuffer(offset, out, 0, length);
        return out;
    }

    /** Bytes of an ArrayBuffer as base64 (a stored ArrayBuffer or typed array). */
    @Export
    public String toBase64(Value buffer, int offset, int length) {
        return Base64.getEncoder().encodeToString(bytes(buffer, offset, length));
    }

    // Key-value storage

    @Export
    public Object get(JsObjectState h, String key) {
        return attempt(() -> text(storage(h).get(key)));
    }

    @Export
    public Object getMany(JsObjectState h, Value keys) {
        return attempt(() -> {
            List<String> names = strings(keys);
            Map<String, byte[]> found = storage(h).get(names);
            Map<String, byte[]> ordered = new LinkedHashMap<>(); // in the order asked, as Cloudflare's Map
            for (String name : names) {
                if (found.containsKey(name)) {
                    ordered.put(name, found.get(name));
                }
            }
            return flat(ordered);
        });
    }

    @Export
    public Object put(JsObjectState h, String key, String value) {
        return attempt(() -> {
            storage(h).put(key, utf8(value));
            return null;
        });
    }

    @Export
    public Object putMany(JsObjectState h, Value flat) {
        return attempt(() -> {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            for (long i = 0; i + 1 < flat.getArraySize(); i += 2) {
                entries.put(flat.getArrayElement(i).asString(), utf8(flat.getArrayElement(i + 1).asString()));
            }
            storage(h).put(entries);
            return null;
        });
    }

    @Export
    public Object delete(JsObjectState h, String key) {
        return attempt(() -> storage(h).delete(key));
    }

    @Export
    public Object deleteMany(JsObjectState h, Value keys) {
        return attempt(() -> storage(h).delete(strings(keys)));
    }

    @Export
    public Object list(JsObjectState h, String start, String startAfter, String end, String prefix, boolean reverse, int limit) {
        return attempt(() -> flat(storage(h).list(new ListOptions(start, startAfter, end, prefix, reverse, limit))));
    }

    @Export
    public Object deleteAll(JsObjectState h) {
        return attempt(() -> {
            storage(h).deleteAll();
            return null;
        });
    }

    @Export
    public Object getAlarm(JsObjectState h) {
        return attempt(() -> storage(h).getAlarm());
    }

    @Export
    public Object setAlarm(JsObjectState h, double epochMillis) {
        return attempt(() -> {
            storage(h).setAlarm((long) epochMillis);
            return null;
        });
    }

    @Export
    public Object deleteAlarm(JsObjectState h) {
        return attempt(() -> {
            storage(h).deleteAlarm();
            return null;
        });
    }

    @Export
    public Object sync(JsObjectState h) {
        return attempt(() -> {
            storage(h).sync();
            return null;
        });
    }

    // Transactions: a savepoint begun and ended by two calls, around the closure's promise

    private static TransactionLevels levels(JsObjectState h) {
        if (storage(h) instanceof TransactionLevels levels) {
            return levels;
        }
        throw new IllegalStateException("transaction: this storage has no transactions for JavaScript");
    }

    @Export
    public Object beginLevel(JsObjectState h) {
        return attempt(() -> levels(h).beginLevel());
    }

    @Export
    public Object endLevel(JsObjectState h, Object level, boolean keep) {
        return attempt(() -> {
            levels(h).endLevel(level, keep);
            return null;
        });
    }

    @Export
    public boolean levelEnded(JsObjectState h, Object level) {
        return levels(h).levelEnded(level);
    }

    // SQL

    /** Runs SQL: [column names, the rows' values one row after the other, rows read, rows written]. */
    @Export
    public Object sql(JsObjectState h, String query, Value bindings) {
        return attempt(() -> {
            Object[] args = new Object[(int) bindings.getArraySize()];
            for (int i = 0; i < args.length; i++) {
                Value v = bindings.getArrayElement(i);
                if (v.isNull()) {
                    args[i] = null;
                } else if (v.isBoolean()) {
                    args[i] = v.asBoolean();
                } else if (v.isString()) {
                    args[i] = v.asString();
                } else if (v.isNumber()) {
                    args[i] = v.fitsInLong() ? (Object) v.asLong() : (Object) v.asDouble();
                } else if (v.hasBufferElements()) {
                    args[i] = bytes(v, 0, (int) v.getBufferSize());
                } else {
                    throw new IllegalArgumentException("sql.exec: binding " + (i + 1) + " (expected: null, a string, a number, a boolean"
                            + " or an ArrayBuffer)");
                }
            }
            SqlStorageCursor cursor = storage(h).sql().exec(query, args);
            List<String> columns = cursor.columnNames();
            List<Object[]> rows = cursor.raw();
            Object[] values = new Object[rows.size() * columns.size()];
            int i = 0;
            for (Object[] row : rows) {
                for (Object v : row) {
                    values[i++] = v instanceof byte[] b ? ByteBuffer.wrap(b) : v;
                }
            }
            return new Object[] {columns.toArray(String[]::new), values, cursor.rowsRead(), cursor.rowsWritten()};
        });
    }

    @Export
    public Object databaseSize(JsObjectState h) {
        return attempt(() -> storage(h).sql().databaseSize());
    }

    // Namespaces, ids, stubs

    @Export
    public Object idFromName(DurableObjectNamespace ns, String name) {
        return attempt(() -> ns.idFromName(name));
    }

    @Export
    public Object idFromString(DurableObjectNamespace ns, String hex) {
        return attempt(() -> ns.idFromString(hex));
    }

    @Export
    public DurableObjectId newUniqueId(DurableObjectNamespace ns) {
        return ns.newUniqueId();
    }

    @Export
    public DurableObjectStub stub(DurableObjectNamespace ns, DurableObjectId id) {
        return ns.get(id);
    }

    @Export
    public String idHex(DurableObjectId id) {
        return id.toString();
    }

    @Export
    public String idName(DurableObjectId id) {
        return id.name();
    }

    @Export
    public DurableObjectId stateId(JsObjectState h) {
        return h.state.id();
    }

    /**
     * A stub's fetch: a promise of the object's Java Response, or why the request cannot be made.
     * {@code cf} is the request's {@code request.cf} (or null): the fields the edge fills go on to the object.
     */
    @Export
    public Object stubFetch(DurableObjectStub stub, String method, String url, Value headers, Value body, int length, Value cf) {
        return attempt(() -> {
            Headers h = new Headers();
            for (long i = 0; i + 1 < headers.getArraySize(); i += 2) {
                h.append(headers.getArrayElement(i).asString(), headers.getArrayElement(i + 1).asString());
            }
            byte[] bytes = body == null || body.isNull() ? null : bytes(body, 0, length);
            return realm.promise(stub.fetch(new Request(method, url, h, bytes, cfOf(cf))));
        });
    }

    /** The edge's fields of a {@code request.cf}; null when it has none of them (a script's own cf, or none). */
    private static RequestCf cfOf(Value cf) {
        if (cf == null || cf.isNull() || !cf.hasMembers()) {
            return null;
        }
        Value rtt = cf.getMember("clientTcpRtt");
        RequestCf out = new RequestCf(text(cf, "colo"), text(cf, "httpProtocol"), text(cf, "tlsVersion"), text(cf, "tlsCipher"),
                rtt != null && rtt.fitsInInt() ? rtt.asInt() : null);
        return out.equals(new RequestCf(null, null, null, null, null)) ? null : out;
    }

    private static String text(Value object, String name) {
        Value v = object.getMember(name);
        return v != null && v.isString() ? v.asString() : null;
    }

    @Export
    public int status(Response r) {
        return r.status();
    }

    @Export
    public String statusText(Response r) {
        return r.statusText();
    }

    @Export
    public WebSocket responseSocket(Response r) {
        return r.webSocket();
    }

    @Export
    public ByteBuffer responseBody(Response r) {
        byte[] b = r.bytes();
        return b == null || b.length == 0 ? null : ByteBuffer.wrap(b);
    }

    @Export
    public String[] responseHeaders(Response r) {
        List<Map.Entry<String, String>> entries = r.headers().entries();
        String[] out = new String[entries.size() * 2];
        for (int i = 0; i < entries.size(); i++) {
            out[2 * i] = entries.get(i).getKey();
            out[2 * i + 1] = entries.get(i).getValue();
        }
        return out;
    }

    // The Hibernation API

    @Export
    public Value socket(JsObjectState h, WebSocket ws) {
        return h.socket(ws);
    }

    @Export
    public void remember(JsObjectState h, WebSocket ws, Value js) {
        h.remember(ws, js);
    }

    @Export
    public Object acceptWebSocket(JsObjectState h, WebSocket ws, Value tags) {
        return attempt(() -> {
            h.state.acceptWebSocket(ws, strings(tags).toArray(String[]::new));
            return null;
        });
    }

    @Export
    public Object getWebSockets(JsObjectState h, String tag) {
        return attempt(() -> (tag == null ? h.state.getWebSockets() : h.state.getWebSockets(tag)).toArray(WebSocket[]::new));
    }

    @Export
    public Object getTags(JsObjectState h, WebSocket ws) {
        return attempt(() -> h.state.getTags(ws).toArray(String[]::new));
    }

    @Export
    public Object setAutoResponse(JsObjectState h, String request, String response) {
        return attempt(() -> {
            h.state.setWebSocketAutoResponse(request == null ? null : new WebSocketRequestResponsePair(request, response));
            return null;
        });
    }

    @Export
    public String[] autoResponse(JsObjectState h) {
        WebSocketRequestResponsePair pair = h.state.getWebSocketAutoResponse();
        return pair == null ? null : new String[] {pair.request(), pair.response()};
    }

    @Export
    public Object autoResponseTimestamp(JsObjectState h, WebSocket ws) {
        return attempt(() -> {
            Instant at = h.state.getWebSocketAutoResponseTimestamp(ws);
            return at == null ? null : at.toEpochMilli();
        });
    }

    /** {@code ctx.abort(reason)}: the object is reset; the Failure says why, and objects.js throws it. */
    @Export
    public Object abort(JsObjectState h, String reason) {
        return attempt(() -> {
            h.state.abort(reason);
            return null;
        });
    }

    /**
     * A {@code blockConcurrencyWhile} callback's promise rejected: the object is reset, as when a
     * Java callback throws (the event running now, or the next one, fails and keeps no writes).
     */
    @Export
    public void blockFailed(JsObjectState h, String description, String errorName, String errorMessage) {
        try {
            h.state.blockConcurrencyWhile(() -> {
                throw new ScriptError(description, null, errorName, errorMessage);
            });
        } catch (RuntimeException expected) {
            // the state keeps the failure: the object is reset when the event ends
        }
    }

    @Export
    public Object setEventTimeout(JsObjectState h, double millis) {
        return attempt(() -> {
            h.state.setHibernatableWebSocketEventTimeout(millis < 0 ? null : Duration.ofMillis((long) millis));
            return null;
        });
    }

    @Export
    public Object eventTimeout(JsObjectState h) {
        Duration d = h.state.getHibernatableWebSocketEventTimeout();
        return d == null ? null : d.toMillis();
    }

    @Export
    public Object serializeAttachment(WebSocket ws, String text) {
        return attempt(() -> {
            ws.serializeAttachmentText(text);
            return null;
        });
    }

    @Export
    public String deserializeAttachment(WebSocket ws) {
        return ws.deserializeAttachmentText();
    }
}
