package dev.pier.edge.security;

import dev.pier.edge.upstream.OriginChannels;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.NoopAddressResolver;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Origins in memory for the edge's origin connections (set as the edge's origin channels): each
 * connection the edge opens is an unregistered {@link EmbeddedChannel} that the edge registers on the client's
 * {@code EmbeddedChannel} loop, so the whole request path runs on the test's thread. What the edge
 * writes to a connection is parsed by Netty's HTTP/1.1 decoder in its strictest configuration and
 * recorded; requests the strict parser cannot take (or that are ambiguous: two Host headers, no
 * Host, a Transfer-Encoding other than {@code chunked}, an upgrade request with a body) are
 * recorded as unparseable, since an origin with another parser may read them as something else.
 *
 * <p>Answers follow the request path, like {@link NodeOrigin} and {@link RecordingJettyOrigin}:
 * {@code /ws} upgrades (a valid 101, after which the connection is a tunnel and is no longer
 * parsed), {@code /ws-refused} gets 403, {@code /ws-h2c}, {@code /ws-no-accept} and
 * {@code /ws-bad-accept} get a 101 that is not a valid WebSocket handshake and go on parsing
 * HTTP (an origin that did not switch), {@code /close} gets 200 and the connection is closed;
 * anything else gets 200 {@code ok}.
 */
final class InMemoryUpstream implements OriginChannels {

    /** Names need no resolving in memory (and the embedded loop cannot host a resolver). */
    private static final AddressResolverGroup<SocketAddress> NO_RESOLVING = new AddressResolverGroup<>() {
        @Override
        public AddressResolver<SocketAddress> getResolver(EventExecutor executor) {
            return new NoopAddressResolver(executor);
        }

        @Override
        protected AddressResolver<SocketAddress> newResolver(EventExecutor executor) {
            return new NoopAddressResolver(executor);
        }
    };

    /** Stands for bytes the strict parser refused: it never equals a request the WAF evaluated. */
    static SeenRequest unparseable(String why) {
        return new SeenRequest("<unparseable>", why, "");
    }

    private final List<Connection> connections = new ArrayList<>();

    /** Makes the edge's origin connections connect here ({@link dev.pier.edge.http.EdgeContext#originChannels}). */
    @Override
    public AddressResolverGroup<SocketAddress> resolver() {
        return NO_RESOLVING;
    }

    @Override
    public Channel newChannel(SocketAddress remote) {
        Connection connection = new Connection();
        connections.add(connection);
        return connection.channel;
    }

    /** What every connection's parser took from the edge so far, connection after connection. */
    List<SeenRequest> parsed() {
        List<SeenRequest> out = new ArrayList<>();
        connections.forEach(c -> out.addAll(c.parsed));
        return out;
    }

    /**
     * Parses what the edge wrote and answers it; returns true when anything arrived (answers may
     * make the edge write more, so callers repeat until nothing does).
     */
    boolean deliver() {
        boolean progress = false;
        for (int i = 0; i < connections.size(); i++) {
            progress |= connections.get(i).deliver();
        }
        return progress;
    }

    /** Closes every connection, as origins do when they go away. */
    void disconnect() {
        connections.forEach(c -> c.channel.close());
    }

    /** Closes every connection and releases what is left in them. */
    void closeAll() {
        for (Connection c : connections) {
            c.channel.close();
            c.channel.releaseOutbound();
            c.channel.releaseInbound();
            c.parser.finishAndReleaseAll();
        }
        connections.clear();
    }

    private static final class Connection {
        final EmbeddedChannel channel = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false);
        final EmbeddedChannel parser = new EmbeddedChannel(new HttpRequestDecoder(new HttpDecoderConfig()
                .setStrictLineParsing(true)
                .setValidateHeaders(true)
                .setAllowDuplicateContentLengths(false)
                .setAllowPartialChunks(false)
                .setUseRfc9112TransferEncoding(true)));
        final List<SeenRequest> parsed = new ArrayList<>();
        /** The request being received, answered once its last content arrives. */
        HttpRequest current;
        /** A valid 101 was sent: what follows is WebSocket frames, not HTTP. */
        boolean tunnel;
        /** The parser refused something: a real server answers 400 and stops reading. */
        boolean broken;

        boolean deliver() {
            boolean progress = false;
            for (Object msg; (msg = channel.readOutbound()) != null; ) {
                progress = true;
                if (!(msg instanceof ByteBuf bytes) || tunnel || broken) {
                    ReferenceCountUtil.release(msg);
                    continue;
                }
                parser.writeInbound(bytes);
                for (Object part; (part = parser.readInbound()) != null; ) {
                    try {
                        take(part);
                    } finally {
                        ReferenceCountUtil.release(part);
                    }
                }
            }
            return progress;
        }

        private void take(Object part) {
            if (tunnel || broken) {
                return;
            }
            if (part instanceof HttpRequest request) {
                String problem = request.decoderResult().isFailure()
                        ? String.valueOf(request.decoderResult().cause()) : ambiguity(request.headers());
                if (problem != null) {
                    refuse(problem);
                    return;
                }
                current = request;
                parsed.add(SeenRequest.byOrigin(request.method().name(), request.uri(), request.headers().get(HttpHeaderNames.HOST)));
            }
            if (part instanceof HttpContent content && content.decoderResult().isFailure()) {
                refuse(String.valueOf(content.decoderResult().cause()));
                return;
            }
            if (part instanceof LastHttpContent && current != null) {
                HttpRequest request = current;
                current = null;
                answer(request);
            }
        }

        private static String ambiguity(HttpHeaders headers) {
            int hosts = headers.getAll(HttpHeaderNames.HOST).size();
            if (hosts != 1) {
                return hosts + " Host headers";
            }
            List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
            if (!codings.isEmpty() && !(codings.size() == 1 && codings.get(0).equalsIgnoreCase("chunked"))) {
                return "Transfer-Encoding: " + codings;
            }
            boolean upgrade = headers.contains(HttpHeaderNames.UPGRADE) && headers.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true);
            if (upgrade && (!codings.isEmpty() || headers.getInt(HttpHeaderNames.CONTENT_LENGTH, 0) != 0)) {
                // Node's parser (llhttp) reads no body after an upgrade request: what follows the head is the next protocol's.
                return "an upgrade request with a body";
            }
            return null;
        }

        private void refuse(String problem) {
            parsed.add(unparseable(problem));
            broken = true;
            send("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            channel.close();
        }

        private void answer(HttpRequest request) {
            String path = request.uri();
            int query = path.indexOf('?');
            path = query < 0 ? path : path.substring(0, query);
            String key = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY, "");
            boolean upgrade = request.headers().containsValue(HttpHeaderNames.UPGRADE, "websocket", true);
            switch (upgrade ? path : "") {
                case "/ws" -> {
                    send("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n"
                            + "sec-websocket-accept: " + accept(key) + "\r\n\r\n");
                    tunnel = true;
                    return;
                }
                case "/ws-refused" -> {
                    send("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
                    return;
                }
                case "/ws-h2c" -> {
                    send("HTTP/1.1 101 Switching Protocols\r\nupgrade: h2c\r\nconnection: upgrade\r\n\r\n");
                    return;
                }
                case "/ws-no-accept" -> {
                    send("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n");
                    return;
                }
                case "/ws-bad-accept" -> {
                    send("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n"
                            + "sec-websocket-accept: " + accept("AAAAAAAAAAAAAAAAAAAAAA==") + "\r\n\r\n");
                    return;
                }
                default -> {
                }
            }
            if (path.equals("/close")) {
                send("HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: close\r\n\r\nok\n");
                channel.close();
                return;
            }
            send("HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nok\n");
        }

        private void send(String response) {
            if (channel.isOpen()) {
                channel.writeInbound(Unpooled.copiedBuffer(response, StandardCharsets.ISO_8859_1));
                for (Object unread; (unread = channel.readInbound()) != null; ) {
                    ReferenceCountUtil.release(unread);
                }
            }
        }
    }

    /** RFC 6455's Sec-WebSocket-Accept for a key. */
    static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key.trim() + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
