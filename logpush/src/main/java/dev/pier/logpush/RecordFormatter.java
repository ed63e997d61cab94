package dev.pier.logpush;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.pier.analytics.RequestLog;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Writes records of a dataset as {@link OutputOptions} say: the chosen fields in their order,
 * ndjson ({@code "Name":value}) or csv (values, strings double-quoted), timestamps in the chosen
 * format, records framed by the record prefix, suffix and delimiter, a batch by the batch prefix
 * and suffix. Immutable; safe to share between threads.
 */
public final class RecordFormatter {

    private final Dataset dataset;
    private final OutputOptions options;
    private final List<LogField> fields;
    private final boolean json;
    private final String recordPrefix;
    private final String recordSuffix;
    private final String recordDelimiter;
    private final String fieldDelimiter;
    private final String batchPrefix;
    private final String batchSuffix;
    /** Each field's {@code "Name":} for ndjson, made once. */
    private final String[] names;

    /** @throws LogpushException when a field name is not one of the dataset's */
    public RecordFormatter(Dataset dataset, OutputOptions options) {
        this.dataset = dataset;
        this.options = options;
        this.fields = options.fields(dataset);
        this.json = options.outputType() == OutputType.NDJSON;
        this.recordPrefix = or(options.recordPrefix(), options.outputType().defaultRecordPrefix());
        this.recordSuffix = or(options.recordSuffix(), options.outputType().defaultRecordSuffix());
        this.recordDelimiter = or(options.recordDelimiter(), "");
        this.fieldDelimiter = or(options.fieldDelimiter(), ",");
        this.batchPrefix = or(options.batchPrefix(), "");
        this.batchSuffix = or(options.batchSuffix(), "");
        this.names = new String[fields.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = '"' + fields.get(i).name() + "\":";
        }
    }

    public Dataset dataset() {
        return dataset;
    }

    public OutputOptions options() {
        return options;
    }

    /** The fields written, in order. */
    public List<LogField> fields() {
        return fields;
    }

    /** One record with its prefix and suffix (an ndjson record ends with a newline). */
    public String record(RequestLog log) {
        StringBuilder out = new StringBuilder(256);
        append(log, out);
        return redact(out.toString());
    }

    /** A batch: the batch prefix, the records with the record delimiter between them, the batch suffix; UTF-8. */
    public byte[] batch(List<RequestLog> logs) {
        StringBuilder out = new StringBuilder(batchPrefix.length() + logs.size() * 256);
        out.append(batchPrefix);
        for (int i = 0; i < logs.size(); i++) {
            if (i > 0) {
                out.append(recordDelimiter);
            }
            append(logs.get(i), out);
        }
        out.append(batchSuffix);
        return redact(out.toString()).getBytes(StandardCharsets.UTF_8);
    }

    /** What one more record adds to a batch, in bytes (UTF-8, with its delimiter): for batch size limits. */
    public int size(RequestLog log) {
        return record(log).getBytes(StandardCharsets.UTF_8).length + recordDelimiter.length();
    }

    /** Appends one record, prefix and suffix included. */
    public void append(RequestLog log, StringBuilder out) {
        out.append(recordPrefix);
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(fieldDelimiter);
            }
            if (json) {
                out.append(names[i]);
            }
            LogField field = fields.get(i);
            value(field.type(), field.value(log), out);
        }
        out.append(recordSuffix);
    }

    private void value(FieldType type, Object value, StringBuilder out) {
        if (value == null) {
            if (json) {
                out.append("null");
            }
            return;
        }
        switch (type) {
            case INT, BOOL -> out.append(value);
            case STRING -> string((String) value, out);
            case TIMESTAMP -> {
                String text = options.timestampFormat().format((Instant) value);
                if (options.timestampFormat().numeric()) {
                    out.append(text);
                } else {
                    string(text, out);
                }
            }
            case STRING_ARRAY -> {
                StringBuilder array = new StringBuilder("[");
                List<?> items = (List<?>) value;
                for (int i = 0; i < items.size(); i++) {
                    if (i > 0) {
                        array.append(',');
                    }
                    array.append('"').append(JsonStringEncoder.getInstance().quoteAsString(String.valueOf(items.get(i)))).append('"');
                }
                array.append(']');
                if (json) {
                    out.append(array);
                } else {
                    string(array.toString(), out);
                }
            }
        }
    }

    private void string(String text, StringBuilder out) {
        out.append('"');
        if (json) {
            JsonStringEncoder.getInstance().quoteAsString(text, out);
        } else {
            out.append(text.replace("\"", "\"\""));
        }
        out.append('"');
    }

    private String redact(String text) {
        return options.cve202144228() ? text.replace("${", "x{") : text;
    }

    private static String or(String value, String otherwise) {
        return value == null ? otherwise : value;
    }
}
