package dev.pier.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which resolved origin addresses the edge refuses: its own listening sockets and link-local addresses. */
class OriginGuardTest {

    private static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void aListenerOnTheWildcardAddressIsReachedThroughAnyLocalAddress() throws Exception {
        OriginGuard guard = OriginGuard.of(List.of(at("0.0.0.0", 8080), at("127.0.0.1", 8081)));
        assertThat(guard.refusal(at("127.0.0.1", 8080))).contains("own listener");
        assertThat(guard.refusal(at("127.0.0.2", 8080))).isNotNull();
        assertThat(guard.refusal(at("0.0.0.0", 8080))).isNotNull();
        assertThat(guard.refusal(at("::1", 8080))).isNotNull();
        assertThat(guard.refusal(at("::ffff:127.0.0.1", 8080))).isNotNull();
        InetAddress nonLoopback = NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst().orElse(null);
        if (nonLoopback != null) {
            assertThat(guard.refusal(new InetSocketAddress(nonLoopback, 8080))).isNotNull();
            assertThat(guard.refusal(new InetSocketAddress(nonLoopback, 8081))).isNull(); // the admin listener is on 127.0.0.1 only
        }
        // another machine on the same port, and this machine on other ports: normal origins
        assertThat(guard.refusal(at("192.0.2.10", 8080))).isNull();
        assertThat(guard.refusal(at("127.0.0.1", 8082))).isNull();
        assertThat(guard.refusal(at("10.1.2.3", 8081))).isNull();
    }

    @Test
    void aListenerOnLoopbackIsReachedThroughLoopbackAndTheWildcardAddress() throws Exception {
        OriginGuard guard = OriginGuard.of(List.of(at("127.0.0.1", 8081)));
        assertThat(guard.refusal(at("127.0.0.1", 8081))).isNotNull();
        assertThat(guard.refusal(at("0.0.0.0", 8081))).isNotNull();
        assertThat(guard.refusal(at("192.0.2.10", 8081))).isNull();
        assertThat(guard.refusal(at("127.0.0.1", 3000))).isNull();
    }

    @Test
    void linkLocalAddressesAreRefusedOnEveryPort() throws Exception {
        for (OriginGuard guard : List.of(OriginGuard.NONE, OriginGuard.of(List.of(at("127.0.0.1", 8081))))) {
            assertThat(guard.refusal(at("169.254.169.254", 80))).contains("link-local");
            assertThat(guard.refusal(at("169.254.0.1", 443))).isNotNull();
            assertThat(guard.refusal(at("fe80::1", 80))).isNotNull();
            assertThat(guard.refusal(at("febf::1", 80))).isNotNull();
            assertThat(guard.refusal(at("169.253.255.255", 80))).isNull();
            assertThat(guard.refusal(at("fec0::1", 80))).isNull();
        }
        assertThat(OriginGuard.NONE.refusal(at("127.0.0.1", 8081))).isNull();
        assertThat(OriginGuard.NONE.refusal(InetSocketAddress.createUnresolved("origin.internal", 80))).isNull();
    }
}
