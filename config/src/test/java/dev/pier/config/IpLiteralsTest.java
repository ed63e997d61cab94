package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strict literal checks, against a corpus of good and bad forms and against the JDK's parser for the good ones. */
class IpLiteralsTest {

    static final List<String> GOOD_V6 = List.of("::", "::1", "1::", "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1::8", "::ffff:192.0.2.1", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:1.2.3.4",
            "::1.2.3.4", "fe80::abcd:ef01");
    static final List<String> BAD_V6 = List.of("", ":", ":::", "1:2:3", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::",
            "::1:2:3:4:5:6:7:8", "12345::1", "::g", "fe80::1%eth0", "::ffff:1.2.3", "::ffff:256.1.1.1", "1.2.3.4::", ":1::", "1::2:",
            "1:2:3:4:5:6:7:1.2.3.4", "[::1]", " ::1", "::1 ", "localhost", "2001:db8::/64");
    static final List<String> GOOD_V4 = List.of("0.0.0.0", "192.0.2.1", "255.255.255.255", "10.0.0.10");
    static final List<String> BAD_V4 = List.of("", "1.2.3", "1.2.3.4.5", "256.1.1.1", "010.0.0.1", "1.2.3.04", "0x7f.0.0.1",
            "1..2.3", "1.2.3.", " 1.2.3.4", "١.٢.٣.٤", "+1.2.3.4", "1.2.3.4/32", "localhost");

    @Test
    void goodLiteralsAreAcceptedAndMeanWhatTheJdkReadsThemAs() throws Exception {
        for (String v6 : GOOD_V6) {
            assertThat(IpLiterals.isIpv6(v6)).as(v6).isTrue();
            assertThat(IpLiterals.isIp(v6)).as(v6).isTrue();
            InetAddress.getByName(v6); // a literal to the JDK too: parsed, never looked up
        }
        for (String v4 : GOOD_V4) {
            assertThat(IpLiterals.isIpv4(v4)).as(v4).isTrue();
            assertThat(IpLiterals.isIp(v4)).as(v4).isTrue();
            assertThat(InetAddress.getByName(v4).getHostAddress()).isEqualTo(v4);
        }
    }

    @Test
    void everyOtherFormIsRefused() {
        for (String v6 : BAD_V6) {
            assertThat(IpLiterals.isIpv6(v6)).as(v6).isFalse();
            assertThat(IpLiterals.isIp(v6)).as(v6).isFalse();
        }
        for (String v4 : BAD_V4) {
            assertThat(IpLiterals.isIpv4(v4)).as(v4).isFalse();
            assertThat(IpLiterals.isIp(v4)).as(v4).isFalse();
        }
        assertThat(IpLiterals.isIpv4("::1")).isFalse();
        assertThat(IpLiterals.isIpv6("192.0.2.1")).isFalse();
    }
}
