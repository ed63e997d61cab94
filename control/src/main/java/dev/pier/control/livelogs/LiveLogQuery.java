package dev.pier.control.livelogs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLogFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What a live log session sends: Cloudflare's {@code fields} (comma-separated names of the
 * {@code http_requests} dataset; empty for all), {@code filter} (Cloudflare's JSON filter; empty
 * for none) and {@code sample} (1 sends every record, 10 one in ten).
 */
public final class LiveLogQuery {

    private static final JsonFactory JSON = new JsonFactory();
    private static final Map<String, RequestLogFields.Field> FIELDS = RequestLogFields.ALL.stream()
            .collect(Collectors.toMap(RequestLogFields.Field::name, Function.identity()));

    private final String fields;
    private final String filter;
    private final int sample;
    private final List<RequestLogFields.Field> selected;
    private final Predicate<RequestLog> matches;

    private LiveLogQuery(String fields, String filter, int sample, List<RequestLogFields.Field> selected, Predicate<RequestLog> matches) {
        this.fields = fields;
        this.filter = filter;
        this.sample = sample;
        this.selected = selected;
        this.matches = matches;
    }

    /**
     * Checks and compiles a session's request.
     *
     * @throws IllegalArgumentException naming the field, the value and what was expected
     */
    public static LiveLogQuery of(String fields, String filter, int sample) {
        if (sample < 1) {
            throw new IllegalArgumentException("sample: " + sample + " (expected: 1 for every record, 10 for one in ten, ...)");
        }
        String f = fields == null ? "" : fields.strip();
        List<RequestLogFields.Field> selected = new ArrayList<>();
        if (f.isEmpty()) {
            selected.addAll(RequestLogFields.ALL);
        } else {
            for (String name : f.split(",")) {
                RequestLogFields.Field field = FIELDS.get(name.strip());
                if (field == null) {
                    throw new IllegalArgumentException("fields: " + name.strip() + " (expected: fields of the http_requests dataset, such as "
                            + "ClientRequestHost,ClientRequestURI,EdgeResponseStatus)");
                }
                if (!selected.contains(field)) {
                    selected.add(field);
                }
            }
        }
        String w = filter == null ? "" : filter.strip();
        return new LiveLogQuery(f, w, sample, List.copyOf(selected), LiveLogFilter.compile(w));
    }

    public String fields() {
        return fields;
    }

    public String filter() {
        return filter;
    }

    public int sample() {
        return sample;
    }

    boolean matches(RequestLog log) {
        return matches.test(log);
    }

    /** The record's line (without its newline): a JSON object with the selected fields the record carries. */
    void appendLine(RequestLog log, StringBuilder out) {
        try (JsonGenerator json = JSON.createGenerator(new Appender(out))) {
            json.writeStartObject();
            for (RequestLogFields.Field field : selected) {
                if (!field.present().test(log)) {
                    continue;
                }
                Object v = field.value().apply(log);
                json.writeFieldName(field.name());
                if (v == null) {
                    json.writeNull();
                } else {
                    switch (field.type()) {
                        case STRING, TIMESTAMP -> json.writeString(v.toString());
                        case INT -> json.writeNumber((Integer) v);
                        case LONG -> json.writeNumber((Long) v);
                        case BOOLEAN -> json.writeBoolean((Boolean) v);
                        case STRING_ARRAY -> {
                            json.writeStartArray();
                            for (Object item : (List<?>) v) {
                                json.writeString(String.valueOf(item));
                            }
                            json.writeEndArray();
                        }
                    }
                }
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes into a StringBuilder without copying through a second buffer. */
    private static final class Appender extends Writer {
        private final StringBuilder out;

        Appender(StringBuilder out) {
            this.out = out;
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            out.append(cbuf, off, len);
        }

        @Override
        public void write(String str, int off, int len) {
            out.append(str, off, off + len);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
