package dev.pier.logpush;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Cloudflare's {@code output_options}: which fields, in which order, how records and batches are
 * framed, how timestamps are written and what share of records is kept. A null prefix, suffix
 * or delimiter means the output type's default.
 *
 * @param fieldNames      the fields in the order written; empty for every field of the dataset
 * @param sampleRate      the share of records kept, in (0, 1]; 1 keeps all
 * @param cve202144228    when true, every {@code ${} written becomes {@code x{} (Cloudflare's {@code CVE-2021-44228} option)
 */
public record OutputOptions(
        List<String> fieldNames,
        OutputType outputType,
        TimestampFormat timestampFormat,
        double sampleRate,
        String batchPrefix,
        String batchSuffix,
        String recordPrefix,
        String recordSuffix,
        String recordDelimiter,
        String fieldDelimiter,
        boolean cve202144228) {

    private static final String PREFIX = "output_options.";
    private static final Set<String> KEYS = Set.of("field_names", "output_type", "timestamp_format", "sample_rate", "batch_prefix",
            "batch_suffix", "record_prefix", "record_suffix", "record_delimiter", "field_delimiter", "CVE-2021-44228", "record_template");

    public OutputOptions {
        fieldNames = fieldNames == null ? List.of() : List.copyOf(fieldNames);
        outputType = outputType == null ? OutputType.NDJSON : outputType;
        timestampFormat = timestampFormat == null ? TimestampFormat.UNIXNANO : timestampFormat;
        if (!(sampleRate > 0 && sampleRate <= 1)) {
            throw new LogpushException(PREFIX + "sample_rate", sampleRate + " (expected: a number above 0 and at most 1)");
        }
    }

    /** Every field, ndjson, unixnano timestamps, no sampling: what a job without {@code output_options} gets. */
    public static OutputOptions defaults() {
        return new OutputOptions(List.of(), OutputType.NDJSON, TimestampFormat.UNIXNANO, 1.0, null, null, null, null, null, null, false);
    }

    /** These options with other fields. */
    public OutputOptions withFieldNames(List<String> names) {
        return new OutputOptions(names, outputType, timestampFormat, sampleRate, batchPrefix, batchSuffix, recordPrefix, recordSuffix,
                recordDelimiter, fieldDelimiter, cve202144228);
    }

    /** These options with another sample rate. */
    public OutputOptions withSampleRate(double rate) {
        return new OutputOptions(fieldNames, outputType, timestampFormat, rate, batchPrefix, batchSuffix, recordPrefix, recordSuffix,
                recordDelimiter, fieldDelimiter, cve202144228);
    }

    /**
     * The fields written, in order.
     *
     * @throws LogpushException naming {@code output_options.field_names} when a name is not a field of {@code dataset}
     */
    public List<LogField> fields(Dataset dataset) {
        if (fieldNames.isEmpty()) {
            return dataset.fields();
        }
        List<LogField> fields = new ArrayList<>(fieldNames.size());
        Set<String> seen = new LinkedHashSet<>();
        for (String name : fieldNames) {
            LogField field = dataset.field(name).orElseThrow(() -> new LogpushException(PREFIX + "field_names",
                    name + " (expected: a field of " + dataset.id() + ": " + String.join(", ", dataset.descriptions().keySet()) + ")"));
            if (!seen.add(name)) {
                throw new LogpushException(PREFIX + "field_names", name + " is listed twice (expected: each field once)");
            }
            fields.add(field);
        }
        return fields;
    }

    /**
     * Reads {@code output_options} as the API receives it; null or JSON null gives {@link #defaults()}.
     *
     * @throws LogpushException naming the option at fault and what it expects
     */
    public static OutputOptions fromJson(JsonNode json, Dataset dataset) {
        if (json == null || json.isNull() || json.isMissingNode()) {
            return defaults();
        }
        if (!json.isObject()) {
            throw new LogpushException("output_options", json + " (expected: an object)");
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                throw new LogpushException(PREFIX + name, "unknown option (expected: one of " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        if (json.hasNonNull("record_template")) {
            throw new LogpushException(PREFIX + "record_template",
                    "not supported (expected: absent; field_names with the record and field options shape a record)");
        }
        List<String> fieldNames = new ArrayList<>();
        JsonNode names = json.get("field_names");
        if (names != null && !names.isNull()) {
            if (!names.isArray()) {
                throw new LogpushException(PREFIX + "field_names", names + " (expected: an array of field names)");
            }
            for (JsonNode name : names) {
                if (!name.isTextual()) {
                    throw new LogpushException(PREFIX + "field_names", name + " (expected: a field name, a string)");
                }
                fieldNames.add(name.asText());
            }
        }
        double sampleRate = 1.0;
        JsonNode rate = json.get("sample_rate");
        if (rate != null && !rate.isNull()) {
            if (!rate.isNumber()) {
                throw new LogpushException(PREFIX + "sample_rate", rate + " (expected: a number above 0 and at most 1)");
            }
            sampleRate = rate.asDouble();
        }
        JsonNode cve = json.get("CVE-2021-44228");
        if (cve != null && !cve.isNull() && !cve.isBoolean()) {
            throw new LogpushException(PREFIX + "CVE-2021-44228", cve + " (expected: true or false)");
        }
        OutputOptions options = new OutputOptions(fieldNames,
                OutputType.of(PREFIX + "output_type", text(json, "output_type", "ndjson")),
                TimestampFormat.of(PREFIX + "timestamp_format", text(json, "timestamp_format", "unixnano")),
                sampleRate,
                text(json, "batch_prefix", null), text(json, "batch_suffix", null),
                text(json, "record_prefix", null), text(json, "record_suffix", null),
                text(json, "record_delimiter", null), text(json, "field_delimiter", null),
                cve != null && cve.asBoolean());
        options.fields(dataset);
        return options;
    }

    /** The options as the API answers them: every option that is set, and the type, format and rate always. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        var names = json.putArray("field_names");
        fieldNames.forEach(names::add);
        json.put("output_type", outputType.id());
        json.put("timestamp_format", timestampFormat.id());
        json.put("sample_rate", sampleRate);
        putIfSet(json, "batch_prefix", batchPrefix);
        putIfSet(json, "batch_suffix", batchSuffix);
        putIfSet(json, "record_prefix", recordPrefix);
        putIfSet(json, "record_suffix", recordSuffix);
        putIfSet(json, "record_delimiter", recordDelimiter);
        putIfSet(json, "field_delimiter", fieldDelimiter);
        if (cve202144228) {
            json.put("CVE-2021-44228", true);
        }
        return json;
    }

    private static void putIfSet(ObjectNode json, String name, String value) {
        if (value != null) {
            json.put(name, value);
        }
    }

    private static String text(JsonNode json, String name, String otherwise) {
        JsonNode node = json.get(name);
        if (node == null || node.isNull()) {
            return otherwise;
        }
        if (!node.isTextual()) {
            throw new LogpushException(PREFIX + name, node + " (expected: a string)");
        }
        return node.asText();
    }
}
