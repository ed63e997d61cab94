package dev.pier.edge.http;

import dev.pier.edge.error.EdgeError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Renders the edge's own responses: the error code (the status, or 1000), one sentence, the detail and the ray id. */
final class ErrorResponses {

    private ErrorResponses() {
    }

    static FullHttpResponse render(ByteBufAllocator alloc, EdgeError error, String detail, String rayId) {
        StringBuilder body = new StringBuilder(160)
                .append("error ").append(error.code()).append(": ").append(error.sentence()).append('\n');
        if (detail != null) {
            body.append(detail).append('\n');
        }
        body.append("Ray ID: ").append(rayId).append('\n');
        ByteBuf content = ByteBufUtil.writeUtf8(alloc, body);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(error.status()), content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(ForwardedHeaders.RAY_ID, rayId);
        switch (error) {
            case BAD_HANDSHAKE -> response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
            case TOO_MANY_WEBSOCKETS -> response.headers().set(HttpHeaderNames.RETRY_AFTER, "10");
            default -> { }
        }
        return response;
    }
}
