package dev.pier.workers.js;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.workers.Headers;
import dev.pier.workers.Request;
import dev.pier.workers.RequestCf;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cloudflare's {@code request.cf} on the request a Worker receives: the fields the edge knows,
 * under Cloudflare's names, read-only; {@code new Request(request)} and {@code clone()} keep it, a
 * request the script makes has none (or the {@code cf} its init gives).
 */
class RequestCfTest {

    static final String WORKER = """
            export default {
              fetch(request) {
                const cf = request.cf;
                const out = { cf, frozen: Object.isFrozen(cf) };
                try { cf.colo = 'LHR'; } catch (e) { out.write = e.name; }
                try { request.cf = {}; } catch (e) { out.replace = e.name; }
                out.same = request.cf === cf;
                out.copied = new Request(request).cf?.colo;
                out.changed = new Request(request, { headers: { a: 'b' } }).cf?.httpProtocol;
                out.cloned = request.clone().cf?.tlsVersion;
                out.made = String(new Request('https://example.com/').cf);
                out.given = new Request('https://example.com/', { cf: { cacheTtl: 5 } }).cf.cacheTtl;
                out.overridden = new Request(request, { cf: { cacheTtl: 7 } }).cf.cacheTtl;
                try { new Request('https://example.com/', { cf: 'x' }); } catch (e) { out.bad = `${e.name}: ${e.message}`; }
                return Response.json(out);
              }
            };
            """;

    @TempDir
    Path dir;

    @Test
    void aRequestFromAClientOverTlsHasWhatTheEdgeKnowsReadOnlyAndCopiesKeepIt() throws Exception {
        JsWorker worker = Scripts.worker(dir, WORKER);
        Request received = new Request("GET", "https://example.com/", new Headers(), null,
                new RequestCf("PIER", "HTTP/1.1", "TLSv1.3", "AEAD-AES128-GCM-SHA256", 3));
        assertThat(Scripts.call(worker, received).text()).isEqualTo("{\"cf\":{\"colo\":\"PIER\",\"httpProtocol\":\"HTTP/1.1\","
                + "\"tlsVersion\":\"TLSv1.3\",\"tlsCipher\":\"AEAD-AES128-GCM-SHA256\",\"clientTcpRtt\":3},\"frozen\":true,"
                + "\"write\":\"TypeError\",\"replace\":\"TypeError\",\"same\":true,\"copied\":\"PIER\",\"changed\":\"HTTP/1.1\","
                + "\"cloned\":\"TLSv1.3\",\"made\":\"undefined\",\"given\":5,\"overridden\":7,"
                + "\"bad\":\"TypeError: Request: cf is string (expected: an object)\"}");
    }

    @Test
    void whatTheEdgeDoesNotKnowIsAbsentNotInvented() throws Exception {
        JsWorker worker = Scripts.worker(dir, WORKER);
        Request plain = new Request("GET", "http://example.com/", new Headers(), null, new RequestCf("PIER", "HTTP/1.0", null, null, null));
        assertThat(Scripts.call(worker, plain).text()).startsWith("{\"cf\":{\"colo\":\"PIER\",\"httpProtocol\":\"HTTP/1.0\"},\"frozen\":true,");
    }

    @Test
    void aRequestNoClientSentHasNoCf() throws Exception {
        JsWorker worker = Scripts.worker(dir, WORKER);
        assertThat(Scripts.get(worker, "https://example.com/").text()).startsWith("{\"frozen\":true,\"write\":\"TypeError\",");
    }
}
