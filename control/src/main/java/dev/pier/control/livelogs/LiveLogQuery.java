package dev.pier.control.livelogs;

import dev.pier.analytics.RequestLog;
import dev.pier.logpush.Dataset;
import dev.pier.logpush.LogFilter;
import dev.pier.logpush.OutputOptions;
import dev.pier.logpush.RecordFormatter;
import dev.pier.logpush.Sampler;
import dev.pier.logpush.TimestampFormat;
import java.util.Arrays;
import java.util.List;

/**
 * What a live log session sends, from Cloudflare's Instant Logs job: {@code fields}
 * (comma-separated names of the {@code http_requests} dataset; empty for all), {@code filter}
 * (Cloudflare's Logpush JSON filter; empty for none) and {@code sample} (1 sends every record,
 * 10 one in ten, chosen at random as Logpush samples). Records are NDJSON with RFC 3339
 * timestamps, as the logpush module formats them.
 */
public final class LiveLogQuery {

    private final String fields;
    private final String fieldNames;
    private final String filterSource;
    private final int sample;
    private final LogFilter filter;
    private final Sampler sampler;
    private final RecordFormatter formatter;

    private LiveLogQuery(String fields, String fieldNames, String filterSource, int sample, LogFilter filter, Sampler sampler,
            RecordFormatter formatter) {
        this.fields = fields;
        this.fieldNames = fieldNames;
        this.filterSource = filterSource;
        this.sample = sample;
        this.filter = filter;
        this.sampler = sampler;
        this.formatter = formatter;
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
        List<String> names = f.isEmpty() ? List.of() : Arrays.stream(f.split(",")).map(String::strip).distinct().toList();
        OutputOptions options = OutputOptions.defaults().withFieldNames(names);
        options = new OutputOptions(options.fieldNames(), options.outputType(), TimestampFormat.RFC3339, 1.0, null, null, null, null, null,
                null, false);
        RecordFormatter formatter;
        try {
            formatter = new RecordFormatter(Dataset.HTTP_REQUESTS, options);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fields: " + f + " (expected: names of the http_requests dataset's fields, "
                    + "comma-separated, such as ClientRequestHost,ClientRequestPath,EdgeResponseStatus): " + e.getMessage());
        }
        String w = filter == null ? "" : filter.strip();
        return new LiveLogQuery(f, String.join(",", names), w, sample, LogFilter.parse(w, Dataset.HTTP_REQUESTS), Sampler.of(1.0 / sample),
                formatter);
    }

    public String fields() {
        return fields;
    }

    public String filter() {
        return filterSource;
    }

    /** The fields chosen, each once, comma-separated (empty for all): what another node needs to format them. */
    String fieldNames() {
        return fieldNames;
    }

    public int sample() {
        return sample;
    }

    /** Whether the record passes the filter and is kept by the sampling. */
    boolean keeps(RequestLog log) {
        return filter.matches(log) && sampler.keep();
    }

    /** Appends the record's NDJSON line, its newline included. */
    void appendLine(RequestLog log, StringBuilder out) {
        formatter.append(log, out);
    }
}
