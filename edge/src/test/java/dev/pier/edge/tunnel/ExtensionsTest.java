package dev.pier.edge.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExtensionsTest {

    @Test
    void noExtensionOrOnlyDeflateDefinesNoOpcode() {
        assertThat(Extensions.mayDefineOpcodes(List.of())).isFalse();
        assertThat(Extensions.mayDefineOpcodes(List.of("permessage-deflate; client_max_window_bits=15; server_no_context_takeover"))).isFalse();
        assertThat(Extensions.mayDefineOpcodes(List.of(" Permessage-Deflate ", "x-webkit-deflate-frame"))).isFalse();
        assertThat(Extensions.mayDefineOpcodes(List.of(""))).isFalse();
    }

    @Test
    void anyOtherExtensionMayDefineOpcodes() {
        assertThat(Extensions.mayDefineOpcodes(List.of("permessage-deflate, x-acme-multiplex"))).isTrue();
        assertThat(Extensions.mayDefineOpcodes(List.of("permessage-deflate", "x-acme-multiplex; channels=4"))).isTrue();
    }
}
