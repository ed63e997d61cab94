package dev.pier.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The one enumeration of a request log's fields covers the record exactly, and reads each field as named. */
class RequestLogFieldsTest {

    @Test
    void everyComponentOfTheRecordIsListedOnceUnderItsCloudflareName() {
        List<String> components = Arrays.stream(RequestLog.class.getRecordComponents())
                .map(c -> c.getName().toLowerCase(Locale.ROOT)).toList();
        List<String> listed = RequestLogFields.ALL.stream().map(f -> f.name().toLowerCase(Locale.ROOT)).toList();
        assertThat(listed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(components);
    }

    @Test
    void eachFieldReadsTheComponentOfItsName() throws Exception {
        RequestLog log = RequestLog.builder().rayId("r").clientIp("192.0.2.1").clientSrcPort(1).clientRequestScheme("https")
                .clientRequestHost("h").clientRequestMethod("GET").clientRequestUri("/u").clientRequestProtocol("HTTP/1.1")
                .clientRequestUserAgent("ua").clientRequestBytes(2).edgeStartTimestamp(Instant.EPOCH).edgeResponseStatus(3)
                .edgeResponseBytes(4).originResponseStatus(5).originResponseBytes(6).originIp("192.0.2.2").zoneName("z")
                .edgeError("E").securityAction("block").securityRuleId("id").securityActions(List.of("block"))
                .securityRuleIds(List.of("id")).securitySources(List.of("firewallCustom")).wafAttackScore(7)
                .wafSqliAttackScore(8).wafXssAttackScore(9).wafRceAttackScore(10).webSocket(true).webSocketClientMessages(11)
                .webSocketOriginMessages(12).webSocketCloseCode(1000).webSocketClosedBy(RequestLog.ClosedBy.client)
                .workerScriptName("chat").workerStatus("ok").addWorkerCpuTime(13).workerWallTimeUs(14)
                .finish(Instant.EPOCH.plusSeconds(1));
        for (RequestLogFields.Field field : RequestLogFields.ALL) {
            assertThat(field.present().test(log)).as(field.name()).isTrue();
            Object expected = Arrays.stream(RequestLog.class.getRecordComponents())
                    .filter(c -> c.getName().equalsIgnoreCase(field.name())).findFirst().orElseThrow().getAccessor().invoke(log);
            Object value = field.value().apply(log);
            assertThat(value).as(field.name()).isEqualTo(expected instanceof RequestLog.ClosedBy closed ? closed.name() : expected);
        }
    }

    @Test
    void aRecordIsMadeOnce() {
        RequestLogBuilder builder = RequestLog.builder().rayId("r");
        assertThat(builder.finish(Instant.EPOCH)).isNotNull();
        assertThat(builder.finish(Instant.EPOCH)).isNull();
    }
}
