package dev.pier.edge.tunnel;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the extensions an origin's 101 negotiated ({@code Sec-WebSocket-Extensions}, RFC 6455
 * §9.1) mean for the frames the tunnel lets through. RFC 6455 §5.2 makes a reserved opcode
 * (3-7, 0xB-0xF) a protocol error unless a negotiated extension defines it. No registered
 * extension does, and the ones in common use are known not to (permessage-deflate, RFC 7692,
 * uses only the RSV1 bit), so only a connection that negotiated some other extension may carry
 * reserved opcodes.
 */
public final class Extensions {

    /** Extensions known to define no opcode. */
    private static final Set<String> WITHOUT_OPCODES = Set.of("permessage-deflate", "x-webkit-deflate-frame");

    private Extensions() {
    }

    /**
     * True when {@code headerValues}, the 101's {@code Sec-WebSocket-Extensions} values, name an
     * extension that may define opcodes of its own.
     */
    public static boolean mayDefineOpcodes(List<String> headerValues) {
        for (String value : headerValues) {
            for (String extension : value.split(",")) {
                int parameters = extension.indexOf(';');
                String name = (parameters < 0 ? extension : extension.substring(0, parameters))
                        .strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !WITHOUT_OPCODES.contains(name)) {
                    return true;
                }
            }
        }
        return false;
    }
}
