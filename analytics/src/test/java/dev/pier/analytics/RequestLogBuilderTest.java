package dev.pier.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestLogBuilderTest {

    private static RequestLogBuilder identified() {
        return RequestLog.builder()
                .rayId("8f3a1c2b4d5e6f70")
                .clientIp("2001:db8::7")
                .clientRequestHost("chat.example.com:8443")
                .clientRequestUri("/rooms/lobby?name=Zoë")
                .originIp("192.0.2.10");
    }

    @Test
    void aPackedRecordReadsAndFinishesWithTheSameStrings() {
        RequestLogBuilder log = identified();
        RequestLog unpacked = identified().finish(Instant.EPOCH);
        log.pack();
        assertThat(log.rayId()).isEqualTo("8f3a1c2b4d5e6f70");
        assertThat(log.clientIp()).isEqualTo("2001:db8::7");
        assertThat(log.clientRequestHost()).isEqualTo("chat.example.com:8443");
        assertThat(log.clientRequestUri()).isEqualTo("/rooms/lobby?name=Zoë");
        assertThat(log.clientRequestUserAgent()).as("never set").isNull();
        assertThat(log.originIp()).isEqualTo("192.0.2.10");
        assertThat(log.finish(Instant.EPOCH)).isEqualTo(unpacked);
    }

    @Test
    void longStringsAndEmptyOnesSurvivePacking() {
        String agent = "Mozilla/5.0 ".repeat(2000);
        RequestLogBuilder log = RequestLog.builder().rayId("").clientRequestUserAgent(agent);
        log.pack();
        assertThat(log.rayId()).isEmpty();
        assertThat(log.clientRequestUserAgent()).isEqualTo(agent);
        assertThat(log.clientIp()).isNull();
    }

    @Test
    void thePackedStringsCannotBeSetAgain() {
        RequestLogBuilder log = identified();
        log.pack();
        assertThatThrownBy(() -> log.originIp("192.0.2.11")).isInstanceOf(IllegalStateException.class);
        assertThat(log.originIp()).isEqualTo("192.0.2.10");
        log.zoneName("example.com").webSocketCloseCode(1000); // the rest of the record goes on
        assertThat(log.finish(Instant.EPOCH).zoneName()).isEqualTo("example.com");
    }

    @Test
    void theStartKeepsItsNanosecondsOnBothSidesOfTheEpoch() {
        for (Instant start : List.of(Instant.parse("2026-12-07T14:52:31.123456789Z"), Instant.parse("1969-12-31T23:59:59.999999999Z"))) {
            assertThat(RequestLog.builder().edgeStartTimestamp(start).edgeStartTimestamp()).isEqualTo(start);
        }
        assertThat(RequestLog.builder().edgeStartTimestamp()).isNull();
        assertThat(RequestLog.builder().edgeStartTimestamp(Instant.EPOCH).edgeStartTimestamp(null).edgeStartTimestamp()).isNull();
    }

    @Test
    void unsetValuesStoredOverSetOnesStillCount() {
        RequestLogBuilder log = RequestLog.builder().wafAttackScore(0).securityActions(null).wafSqliAttackScore(40).wafSqliAttackScore(0);
        assertThat(log.wafSqliAttackScore()).isZero();
        assertThat(log.workerStatus("ok").workerStatus(null).workerStatus()).isNull();
    }

    @Test
    void workerAndSecurityFieldsReadAsUnsetUntilSet() {
        RequestLogBuilder log = RequestLog.builder();
        assertThat(log.workerScriptName()).isNull();
        assertThat(log.workerCpuTime()).isZero();
        assertThat(log.securityActions()).isNull();
        assertThat(log.wafAttackScore()).isZero();
        log.addWorkerCpuTime(5).addWorkerCpuTime(7).workerStatus("ok").wafXssAttackScore(12).securityRuleIds(List.of("r1"));
        RequestLog record = log.finish(Instant.EPOCH);
        assertThat(record.workerCpuTime()).isEqualTo(12);
        assertThat(record.workerStatus()).isEqualTo("ok");
        assertThat(record.workerScriptName()).isNull();
        assertThat(record.wafXssAttackScore()).isEqualTo(12);
        assertThat(record.wafAttackScore()).isZero();
        assertThat(record.securityRuleIds()).containsExactly("r1");
    }
}
