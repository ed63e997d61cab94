package dev.pier.edge.worker;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Netty's RFC 6455 frame decoder with the check of a client's close frame done here: an invalid
 * close is reported as an {@link InvalidClose} carrying the code to answer it with (1002 for a one-byte body or a code that may not be sent, 1007 for a reason that is not
 * UTF-8), and {@link WorkerSocket} answers it with that close frame. Netty's own check fails such
 * a close by dropping TCP without a close frame, because it counts the invalid close as the
 * closing handshake received.
 */
final class WorkerFrameDecoder extends WebSocket13FrameDecoder {

    WorkerFrameDecoder(WebSocketDecoderConfig config) {
        super(config);
    }

    @Override
    protected void checkCloseFrameBody(ChannelHandlerContext ctx, ByteBuf body) {
        if (body == null || !body.isReadable()) {
            return;
        }
        if (body.readableBytes() == 1) {
            throw new InvalidClose(WebSocketCloseStatus.PROTOCOL_ERROR, "a close frame's body of 1 byte");
        }
        int code = body.getUnsignedShort(body.readerIndex());
        if (!maySend(code)) {
            throw new InvalidClose(WebSocketCloseStatus.PROTOCOL_ERROR, "close code " + code);
        }
        ByteBuffer reason = body.nioBuffer(body.readerIndex() + 2, body.readableBytes() - 2);
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(reason);
        } catch (CharacterCodingException e) {
            throw new InvalidClose(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "a close reason that is not UTF-8");
        }
    }

    /** A client's close frame that breaks RFC 6455 §5.5.1 or §7.4, with the code to answer it with; nothing was written yet. */
    static final class InvalidClose extends DecoderException {
        private final transient WebSocketCloseStatus answer;

        InvalidClose(WebSocketCloseStatus answer, String what) {
            super("invalid close frame: " + what);
            this.answer = answer;
        }

        WebSocketCloseStatus answer() {
            return answer;
        }
    }

    /**
     * RFC 6455 §7.4: the codes an endpoint may put in a close frame. 1004 is reserved, 1005, 1006
     * and 1015 are for reporting only, 1000–2999 beyond the registered ones are the protocol's,
     * 3000–4999 are for libraries and applications; nothing is defined above 4999.
     */
    static boolean maySend(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }
}
