package dev.pier.logpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.analytics.RequestLog;
import org.junit.jupiter.api.Test;

/** Cloudflare's JSON filter: every operator on its types, and/or nesting, and errors that say where and what was expected. */
class LogFilterTest {

    private final RequestLog ok = Records.request("a1", "example.com", "/static/app.js?v=2", 200);
    private final RequestLog notFound = Records.request("a2", "api.example.com", "/api/users", 404);
    private final RequestLog blocked = Records.blocked("a3");

    private static LogFilter filter(String json) {
        return LogFilter.parse(json, Dataset.HTTP_REQUESTS);
    }

    private static String where(String condition) {
        return "{\"where\":" + condition + "}";
    }

    private static String cond(String key, String op, String value) {
        return "{\"key\":\"" + key + "\",\"operator\":\"" + op + "\",\"value\":" + value + "}";
    }

    @Test
    void stringOperators() {
        assertThat(filter(where(cond("ClientRequestHost", "eq", "\"example.com\""))).matches(ok)).isTrue();
        assertThat(filter(where(cond("ClientRequestHost", "eq", "\"example.com\""))).matches(notFound)).isFalse();
        assertThat(filter(where(cond("ClientRequestHost", "!eq", "\"example.com\""))).matches(notFound)).isTrue();
        assertThat(filter(where(cond("ClientRequestPath", "startsWith", "\"/static\""))).matches(ok)).isTrue();
        assertThat(filter(where(cond("ClientRequestPath", "!startsWith", "\"/static\""))).matches(ok)).isFalse();
        assertThat(filter(where(cond("ClientRequestPath", "endsWith", "\".js\""))).matches(ok)).isTrue();
        assertThat(filter(where(cond("ClientRequestURI", "endsWith", "\".js\""))).matches(ok)).isFalse(); // the URI has the query
        assertThat(filter(where(cond("ClientRequestPath", "!endsWith", "\".js\""))).matches(notFound)).isTrue();
        assertThat(filter(where(cond("ClientRequestPath", "contains", "\"users\""))).matches(notFound)).isTrue();
        assertThat(filter(where(cond("ClientRequestPath", "!contains", "\"users\""))).matches(notFound)).isFalse();
        assertThat(filter(where(cond("ClientRequestHost", "in", "[\"a.example.com\",\"api.example.com\"]"))).matches(notFound)).isTrue();
        assertThat(filter(where(cond("ClientRequestHost", "!in", "[\"a.example.com\",\"api.example.com\"]"))).matches(ok)).isTrue();
    }

    @Test
    void intOperatorsTakeNumbersOrNumericStrings() {
        assertThat(filter(where(cond("EdgeResponseStatus", "eq", "200"))).matches(ok)).isTrue();
        assertThat(filter(where(cond("EdgeResponseStatus", "eq", "\"404\""))).matches(notFound)).isTrue();
        assertThat(filter(where(cond("EdgeResponseStatus", "lt", "400"))).matches(ok)).isTrue();
        assertThat(filter(where(cond("EdgeResponseStatus", "lt", "400"))).matches(notFound)).isFalse();
        assertThat(filter(where(cond("EdgeResponseStatus", "leq", "404"))).matches(notFound)).isTrue();
        assertThat(filter(where(cond("EdgeResponseStatus", "gt", "404"))).matches(notFound)).isFalse();
        assertThat(filter(where(cond("EdgeResponseStatus", "geq", "\"404\""))).matches(notFound)).isTrue();
        assertThat(filter(where(cond("EdgeResponseStatus", "in", "[200,201]"))).matches(ok)).isTrue();
        assertThat(filter(where(cond("EdgeResponseStatus", "!in", "[200,201]"))).matches(notFound)).isTrue();
        assertThat(filter(where(cond("ClientRequestBytes", "gt", "100"))).matches(ok)).isTrue();
    }

    @Test
    void boolAndArrayOperators() {
        assertThat(filter(where(cond("WebSocket", "eq", "false"))).matches(ok)).isTrue();
        assertThat(filter(where(cond("WebSocket", "!eq", "\"false\""))).matches(ok)).isFalse();
        assertThat(filter(where(cond("SecurityActions", "contains", "\"block\""))).matches(blocked)).isTrue();
        assertThat(filter(where(cond("SecurityActions", "!contains", "\"block\""))).matches(blocked)).isFalse();
    }

    @Test
    void aFieldTheRecordDoesNotCarryMatchesOnlyNegations() {
        assertThat(filter(where(cond("SecurityAction", "eq", "\"block\""))).matches(ok)).isFalse();
        assertThat(filter(where(cond("SecurityAction", "!eq", "\"block\""))).matches(ok)).isTrue();
        assertThat(filter(where(cond("SecurityActions", "!contains", "\"block\""))).matches(ok)).isTrue();
        assertThat(filter(where(cond("SecurityAction", "eq", "\"block\""))).matches(blocked)).isTrue();
    }

    @Test
    void andOrNest() {
        // X AND (Y OR Z): host example.com, and status 404 or path under /static
        LogFilter f = filter(where("{\"and\":[" + cond("ClientRequestHost", "endsWith", "\"example.com\"") + ",{\"or\":["
                + cond("EdgeResponseStatus", "eq", "404") + "," + cond("ClientRequestPath", "startsWith", "\"/static\"") + "]}]}"));
        assertThat(f.matches(ok)).isTrue();
        assertThat(f.matches(notFound)).isTrue();
        assertThat(f.matches(blocked)).isFalse();
        LogFilter or = filter(where("{\"or\":[{\"and\":[" + cond("EdgeResponseStatus", "eq", "403") + ","
                + cond("SecurityAction", "eq", "\"block\"") + "]}," + cond("ClientRequestHost", "eq", "\"api.example.com\"") + "]}"));
        assertThat(or.matches(ok)).isFalse();
        assertThat(or.matches(notFound)).isTrue();
        assertThat(or.matches(blocked)).isTrue();
    }

    @Test
    void noFilterKeepsEverything() {
        assertThat(filter(null).matches(ok)).isTrue();
        assertThat(filter("  ")).isSameAs(LogFilter.ALL);
        assertThat(LogFilter.ALL.source()).isNull();
    }

    @Test
    void theWebSocketDatasetFiltersOnItsOwnFields() {
        RequestLog ws = Records.webSocket("w1", 1006, RequestLog.ClosedBy.origin);
        LogFilter f = LogFilter.parse(where(cond("ConnectionCloseReason", "eq", "\"upstreamReset\"")), Dataset.WEBSOCKET_ANALYTICS);
        assertThat(f.matches(ws)).isTrue();
        assertThat(f.matches(Records.webSocket("w2", 1000, RequestLog.ClosedBy.client))).isFalse();
        assertThatThrownBy(() -> LogFilter.parse(where(cond("EdgeResponseStatus", "eq", "101")), Dataset.WEBSOCKET_ANALYTICS))
                .isInstanceOf(LogpushException.class)
                .hasMessageStartingWith("filter: where.key: EdgeResponseStatus (expected: a field of websocket_analytics: BytesReceivedClient");
    }

    @Test
    void errorsSayWhereAndWhatWasExpected() {
        assertError("{\"where\":", "filter: not JSON");
        assertError("{\"key\":\"ClientIP\",\"operator\":\"eq\",\"value\":\"1\"}", "filter: {\"key\"");
        assertError(where(cond("Nope", "eq", "1")), "filter: where.key: Nope (expected: a field of http_requests: RayID, ZoneName,");
        assertError(where("{\"and\":[" + cond("ClientIP", "eq", "\"1\"") + "," + cond("ClientIP", "like", "\"1\"") + "]}"),
                "filter: where.and[1].operator: like (expected: one of eq, !eq, lt,");
        assertError(where(cond("ClientRequestHost", "lt", "\"a\"")),
                "filter: where.operator: lt is not for string field ClientRequestHost (expected: eq, !eq, startsWith");
        assertError(where(cond("EdgeResponseStatus", "eq", "\"ok\"")),
                "filter: where.value: \"ok\" (expected: an integer for int field EdgeResponseStatus)");
        assertError(where(cond("EdgeResponseStatus", "in", "200")),
                "filter: where.value: 200 (expected: a non-empty array of values for EdgeResponseStatus)");
        assertError(where(cond("WebSocket", "eq", "\"yes\"")), "filter: where.value: \"yes\" (expected: true or false for bool field WebSocket)");
        assertError(where("{\"key\":\"ClientIP\",\"operator\":\"eq\"}"), "filter: where.value: missing");
        assertError(where("{\"or\":[]}"), "filter: where.or: [] (expected: a non-empty array of conditions)");
        assertError(where(cond("EdgeStartTimestamp", "gt", "1")), "filter: where.key: EdgeStartTimestamp is a timestamp");
        StringBuilder many = new StringBuilder("{\"and\":[");
        for (int i = 0; i < 31; i++) {
            many.append(i == 0 ? "" : ",").append(cond("ClientIP", "eq", "\"" + i + "\""));
        }
        assertThatThrownBy(() -> filter(where(many + "]}"))).isInstanceOf(LogpushException.class).hasMessageContaining("bytes (expected: at most 1000)");
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 31; i++) {
            deep.append("{\"or\":[");
        }
        deep.append(cond("ClientIP", "eq", "\"1\""));
        deep.append("]}".repeat(31));
        assertThatThrownBy(() -> filter(where(deep.toString()))).hasMessageContaining("more than 30 operators (expected: at most 30)");
    }

    private static void assertError(String json, String start) {
        assertThatThrownBy(() -> filter(json)).isInstanceOf(LogpushException.class)
                .hasMessageStartingWith(start)
                .satisfies(e -> assertThat(((LogpushException) e).field()).isEqualTo("filter"));
    }
}
