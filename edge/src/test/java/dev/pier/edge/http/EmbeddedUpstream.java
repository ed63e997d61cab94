package dev.pier.edge.http;

import dev.pier.analytics.RequestLogBuilder;
import dev.pier.edge.error.EdgeException;
import dev.pier.edge.tunnel.Tunnel;
import dev.pier.edge.upstream.OriginPeer;
import dev.pier.edge.upstream.ProtocolSwitch;
import dev.pier.edge.upstream.Upstream;
import dev.pier.edge.upstream.UpstreamConnection;
import dev.pier.edge.upstream.UpstreamListener;
import dev.pier.edge.upstream.UpstreamPeer;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An upstream in the test's own hands, with no socket: it records every peer asked for and
 * every request head it is sent, and the test decides what happens next (connected, a response,
 * a failure, a close). After a 101 its side of the byte tunnel is an {@link EmbeddedChannel} that
 * the test reads and writes as the origin would.
 */
final class EmbeddedUpstream implements Upstream {

    final List<UpstreamPeer> peers = new ArrayList<>();
    final List<HttpRequest> heads = new ArrayList<>();
    Connection last;

    @Override
    public UpstreamConnection connect(UpstreamPeer peer, Channel client, UpstreamListener listener) {
        peers.add(peer);
        last = new Connection(peer, listener);
        return last;
    }

    final class Connection implements UpstreamConnection {
        final UpstreamPeer peer;
        final UpstreamListener listener;
        boolean connected;
        boolean closed;
        /** The origin's side of the tunnel once the connection became one. */
        EmbeddedChannel tunnel;

        Connection(UpstreamPeer peer, UpstreamListener listener) {
            this.peer = peer;
            this.listener = listener;
        }

        void accept() {
            connected = true;
            listener.upstreamConnected(this);
        }

        void fail(EdgeException failure) {
            listener.upstreamFailed(this, failure);
        }

        /** Sends response messages to the edge, then ends the read batch. */
        void respond(HttpObject... messages) {
            for (HttpObject m : messages) {
                listener.upstreamMessage(this, m);
            }
            listener.upstreamReadComplete(this);
        }

        void closeFromOrigin() {
            closed = true;
            listener.upstreamClosed(this);
        }

        @Override
        public boolean serves(UpstreamPeer other) {
            return peer.equals(other);
        }

        @Override
        public boolean reusable() {
            return connected && !closed;
        }

        @Override
        public boolean connected() {
            return connected;
        }

        @Override
        public boolean writable() {
            return true;
        }

        @Override
        public String remoteIp() {
            return peer instanceof OriginPeer origin ? origin.host() : null;
        }

        @Override
        public long bytesRead() {
            return 0;
        }

        @Override
        public void sendHead(HttpRequest head, Duration responseTimeout, RequestLogBuilder record) {
            heads.add(head);
        }

        @Override
        public void sendContent(HttpContent content) {
            ReferenceCountUtil.release(content);
        }

        @Override
        public void flush() {
        }

        @Override
        public void resumeReading() {
        }

        @Override
        public void close() {
            closed = true;
        }

        /** An origin's side of a byte tunnel, on an {@link EmbeddedChannel} of its own. */
        @Override
        public ProtocolSwitch.Result switchProtocols(ProtocolSwitch upgrade) {
            Tunnel bytes = new Tunnel(upgrade.record(), upgrade.usage(), upgrade.logging(), upgrade.settings(), upgrade.closeGrace(), false);
            tunnel = new EmbeddedChannel(bytes.originHandler());
            return new ProtocolSwitch.Result(List.of(bytes.clientHandler()), bytes::start);
        }
    }
}
