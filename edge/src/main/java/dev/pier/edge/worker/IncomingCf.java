package dev.pier.edge.worker;

import dev.pier.edge.transport.EpollClientChannel;
import dev.pier.workers.RequestCf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.SslHandler;
import javax.net.ssl.SSLSession;

/**
 * A Worker's {@code request.cf}, read from the client's connection when the request reaches the
 * Worker: its HTTP version, its TLS version and cipher, and the kernel's round-trip time on epoll.
 * Nothing is guessed: what the connection cannot tell (a location, an ASN) is left out.
 */
final class IncomingCf {

    private IncomingCf() {
    }

    static RequestCf of(Channel client, HttpRequest head) {
        String tlsVersion = null;
        String tlsCipher = null;
        SslHandler tls = client.pipeline().get(SslHandler.class);
        if (tls != null) {
            SSLSession session = tls.engine().getSession();
            tlsVersion = session.getProtocol();
            String cipher = session.getCipherSuite();
            // Cloudflare's edge runs BoringSSL and names ciphers as it does (AEAD-AES128-GCM-SHA256); Java names them as IANA does
            String boring = CipherSuiteConverter.toOpenSsl(cipher, true);
            tlsCipher = boring != null ? boring : cipher;
        }
        Integer rtt = null;
        if (client instanceof EpollClientChannel epoll && epoll.isActive()) {
            rtt = (int) Math.round(epoll.tcpRttMicros() / 1000.0);
        }
        return new RequestCf(RequestCf.PIER, head.protocolVersion().text(), tlsVersion, tlsCipher, rtt);
    }
}
