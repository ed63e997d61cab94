package dev.pier.logpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.analytics.RequestLog;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Output options as Cloudflare documents them: field selection and order, ndjson and csv, timestamp formats, framing, redaction. */
class RecordFormatterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static OutputOptions options(String json, Dataset dataset) throws Exception {
        return OutputOptions.fromJson(JSON.readTree(json), dataset);
    }

    @Test
    void ndjsonWritesTheChosenFieldsInTheirOrder() throws Exception {
        RecordFormatter f = new RecordFormatter(Dataset.HTTP_REQUESTS,
                options("{\"field_names\":[\"RayID\",\"ClientIP\",\"EdgeStartTimestamp\",\"EdgeResponseStatus\",\"ClientRequestUserAgent\"]}",
                        Dataset.HTTP_REQUESTS));
        String line = f.record(Records.request("ab12", "example.com", "/", 200));
        assertThat(line).isEqualTo("{\"RayID\":\"ab12\",\"ClientIP\":\"203.0.113.7\",\"EdgeStartTimestamp\":1777636800123456789,"
                + "\"EdgeResponseStatus\":200,\"ClientRequestUserAgent\":\"agent \\\"quoted\\\"\"}\n");
        assertThat(JSON.readTree(line).get("ClientRequestUserAgent").asText()).isEqualTo("agent \"quoted\"");
    }

    @Test
    void timestampFormats() throws Exception {
        RequestLog log = Records.request("ab12", "example.com", "/", 200);
        assertThat(line(log, "unixnano")).isEqualTo("{\"EdgeStartTimestamp\":1777636800123456789}\n");
        assertThat(line(log, "unix")).isEqualTo("{\"EdgeStartTimestamp\":1777636800}\n");
        assertThat(line(log, "rfc3339")).isEqualTo("{\"EdgeStartTimestamp\":\"2026-05-01T12:00:00Z\"}\n");
    }

    private static String line(RequestLog log, String format) throws Exception {
        return new RecordFormatter(Dataset.HTTP_REQUESTS, options("{\"field_names\":[\"EdgeStartTimestamp\"],\"timestamp_format\":\""
                + format + "\"}", Dataset.HTTP_REQUESTS)).record(log);
    }

    @Test
    void csvQuotesStringsAndLeavesAbsentValuesEmpty() throws Exception {
        RecordFormatter f = new RecordFormatter(Dataset.HTTP_REQUESTS, options("{\"output_type\":\"csv\",\"timestamp_format\":\"rfc3339\","
                + "\"field_names\":[\"ClientRequestUserAgent\",\"EdgeResponseStatus\",\"SecurityAction\",\"EdgeStartTimestamp\",\"WebSocket\"],"
                + "\"batch_prefix\":\"ClientRequestUserAgent,EdgeResponseStatus,SecurityAction,EdgeStartTimestamp,WebSocket\\n\"}",
                Dataset.HTTP_REQUESTS));
        String batch = new String(f.batch(List.of(Records.request("a", "example.com", "/", 200), Records.blocked("b"))),
                StandardCharsets.UTF_8);
        assertThat(batch).isEqualTo("ClientRequestUserAgent,EdgeResponseStatus,SecurityAction,EdgeStartTimestamp,WebSocket\n"
                + "\"agent \"\"quoted\"\"\",200,,\"2026-05-01T12:00:00Z\",false\n"
                + ",403,\"block\",\"2026-05-01T12:00:00Z\",false\n");
    }

    @Test
    void absentFieldsAreNullInNdjsonAndArraysAreArrays() throws Exception {
        RecordFormatter f = new RecordFormatter(Dataset.HTTP_REQUESTS,
                options("{\"field_names\":[\"SecurityAction\",\"SecurityActions\"]}", Dataset.HTTP_REQUESTS));
        assertThat(f.record(Records.request("a", "example.com", "/", 200))).isEqualTo("{\"SecurityAction\":null,\"SecurityActions\":null}\n");
        assertThat(f.record(Records.blocked("b"))).isEqualTo("{\"SecurityAction\":\"block\",\"SecurityActions\":[\"log\",\"block\"]}\n");
    }

    @Test
    void batchFramingAsCloudflaresNestedJsonExample() throws Exception {
        RecordFormatter f = new RecordFormatter(Dataset.HTTP_REQUESTS, options("{\"field_names\":[\"RayID\"],\"batch_prefix\":\"{\\\"events\\\":[\","
                + "\"batch_suffix\":\"\\n]}\\n\",\"record_prefix\":\"\\n  {\\\"info\\\":{\",\"record_suffix\":\"}}\",\"record_delimiter\":\",\"}",
                Dataset.HTTP_REQUESTS));
        String batch = new String(f.batch(List.of(Records.request("r1", "a", "/", 200), Records.request("r2", "a", "/", 200))),
                StandardCharsets.UTF_8);
        assertThat(batch).isEqualTo("{\"events\":[\n  {\"info\":{\"RayID\":\"r1\"}},\n  {\"info\":{\"RayID\":\"r2\"}}\n]}\n");
        assertThat(JSON.readTree(batch).get("events")).hasSize(2);
    }

    @Test
    void everyFieldWhenNoneAreNamedAndRedactionOfLog4ShellPatterns() throws Exception {
        RequestLog log = Records.request("a", "example.com", "/${jndi:ldap://x}", 200);
        OutputOptions all = OutputOptions.defaults();
        JsonNode line = JSON.readTree(new RecordFormatter(Dataset.HTTP_REQUESTS, all).record(log));
        assertThat(line.size()).isEqualTo(Dataset.HTTP_REQUESTS.fields().size());
        assertThat(line.get("ClientRequestPath").asText()).isEqualTo("/${jndi:ldap://x}");
        RecordFormatter redacting = new RecordFormatter(Dataset.HTTP_REQUESTS,
                options("{\"field_names\":[\"ClientRequestURI\"],\"CVE-2021-44228\":true}", Dataset.HTTP_REQUESTS));
        assertThat(redacting.record(log)).isEqualTo("{\"ClientRequestURI\":\"/x{jndi:ldap://x}\"}\n");
    }

    @Test
    void theWebSocketDatasetUsesCloudflaresFieldNames() throws Exception {
        RecordFormatter f = new RecordFormatter(Dataset.WEBSOCKET_ANALYTICS, OutputOptions.defaults());
        JsonNode line = JSON.readTree(f.record(Records.webSocket("c0ffee", 1001, RequestLog.ClosedBy.edge)));
        assertThat(line.get("BytesReceivedClient").asLong()).isEqualTo(500);
        assertThat(line.get("BytesSentClient").asLong()).isEqualTo(9000);
        assertThat(line.get("BytesReceivedOrigin").asLong()).isEqualTo(8900);
        assertThat(line.get("BytesSentOrigin").asLong()).isEqualTo(500);
        assertThat(line.get("ConnectionCloseReason").asText()).isEqualTo("timedOut");
        assertThat(line.get("ConnectionCloseSource").asText()).isEqualTo("me");
        assertThat(line.get("ConnectionID").asText()).isEqualTo("c0ffee");
        assertThat(line.get("ClientRequestPath").asText()).isEqualTo("/socket");
        assertThat(line.get("EdgeEndTimestamp").asLong() - line.get("EdgeStartTimestamp").asLong()).isEqualTo(60_000_000_000L);
        assertThat(Dataset.WEBSOCKET_ANALYTICS.carries(Records.webSocket("c", 1000, RequestLog.ClosedBy.client))).isTrue();
        assertThat(Dataset.WEBSOCKET_ANALYTICS.carries(Records.request("r", "a", "/", 200))).isFalse();
    }

    @Test
    void badOptionsNameTheOptionAndWhatItExpects() {
        assertBad("{\"field_names\":[\"RayID\",\"Nope\"]}", "output_options.field_names: Nope (expected: a field of http_requests: RayID,");
        assertBad("{\"field_names\":[\"RayID\",\"RayID\"]}", "output_options.field_names: RayID is listed twice");
        assertBad("{\"output_type\":\"xml\"}", "output_options.output_type: xml (expected: ndjson or csv)");
        assertBad("{\"timestamp_format\":\"iso\"}", "output_options.timestamp_format: iso (expected: unixnano, unix or rfc3339)");
        assertBad("{\"sample_rate\":0}", "output_options.sample_rate: 0.0 (expected: a number above 0 and at most 1)");
        assertBad("{\"sample_rate\":\"half\"}", "output_options.sample_rate: \"half\" (expected: a number");
        assertBad("{\"record_template\":\"{{.RayID}}\"}", "output_options.record_template: not supported");
        assertBad("{\"colour\":1}", "output_options.colour: unknown option (expected: one of CVE-2021-44228, batch_prefix,");
    }

    private static void assertBad(String json, String start) {
        assertThatThrownBy(() -> options(json, Dataset.HTTP_REQUESTS)).isInstanceOf(LogpushException.class).hasMessageStartingWith(start);
    }

    @Test
    void optionsRoundTripThroughTheirJson() throws Exception {
        OutputOptions o = options("{\"field_names\":[\"RayID\"],\"output_type\":\"csv\",\"timestamp_format\":\"unix\",\"sample_rate\":0.5,"
                + "\"batch_prefix\":\"RayID\\n\"}", Dataset.HTTP_REQUESTS);
        assertThat(OutputOptions.fromJson(o.toJson(), Dataset.HTTP_REQUESTS)).isEqualTo(o);
    }

    @Test
    void samplingKeepsAboutTheRate() {
        Sampler tenth = Sampler.of(0.1);
        int kept = 0;
        for (int i = 0; i < 100_000; i++) {
            kept += tenth.keep() ? 1 : 0;
        }
        assertThat(kept).isBetween(9_000, 11_000);
        assertThat(Sampler.of(1).keep()).isTrue();
        assertThatThrownBy(() -> Sampler.of(1.5)).hasMessage("sample_rate: 1.5 (expected: a number above 0 and at most 1)");
    }
}
