package dev.pier.workers.js;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.workers.Headers;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Headers, Request and Response against the Fetch standard's behaviour, and what reaches Java from them. */
class HeadersAndBodiesTest {

    @TempDir
    static Path dir;

    @RegisterExtension
    static final JsConsole js = new JsConsole();

    @Test
    void headersAreCaseInsensitiveJoinRepeatsAndIterateSortedWithSetCookieApart() {
        js.run("""
                globalThis.h = new Headers({ 'Content-Type': 'text/plain', 'X-B': ' padded\t' });
                h.append('x-a', '1'); h.append('X-A', '2');
                h.append('Set-Cookie', 'a=1'); h.append('set-cookie', 'b=2');
                """);
        assertThat(js.eval("h.get('CONTENT-TYPE') + '|' + h.get('x-b') + '|' + h.get('x-a') + '|' + h.get('nope')"))
                .isEqualTo("text/plain|padded|1, 2|null");
        assertThat(js.eval("[...h]")).isEqualTo(
                "[[\"content-type\",\"text/plain\"],[\"set-cookie\",\"a=1\"],[\"set-cookie\",\"b=2\"],[\"x-a\",\"1, 2\"],[\"x-b\",\"padded\"]]");
        assertThat(js.eval("h.getSetCookie()")).isEqualTo("[\"a=1\",\"b=2\"]");
        assertThat(js.eval("h.get('set-cookie')")).isEqualTo("a=1, b=2");
        js.run("h.set('X-A', '3'); h.delete('set-cookie');");
        assertThat(js.eval("[...h.keys()].join() + ' ' + h.get('x-a') + ' ' + h.has('Set-Cookie')")).isEqualTo("content-type,x-a,x-b 3 false");
        assertThat(js.eval("(() => { const out = []; h.forEach((v, k, o) => out.push(k + '=' + v + (o === h))); return out.join(); })()"))
                .isEqualTo("content-type=text/plaintrue,x-a=3true,x-b=paddedtrue");
        assertThat(js.eval("new Headers([['a', '1'], ['b', '2']]).get('b') + new Headers(new Headers({ c: '3' })).get('c')")).isEqualTo("23");
        assertThat(js.eval("new Headers({ 'bad name': 'x' })")).isEqualTo("TypeError: Headers: invalid header name 'bad name' (expected: an HTTP token)");
        assertThat(js.eval("new Headers({ a: 'x\\ny' })")).isEqualTo("TypeError: Headers: invalid value for 'a' (expected: no NUL, CR or LF)");
        assertThat(js.eval("new Headers([['a']])")).startsWith("TypeError: ");
        assertThat(js.eval("Object.prototype.toString.call(h)")).isEqualTo("[object Headers]");
    }

    @Test
    void responsesFollowTheStandard() {
        assertThat(js.await("(async () => { const r = Response.json({ a: [1, 'é'] }, { status: 201, headers: { 'x-y': 'z' } });"
                + " return [r.status, r.ok, r.statusText, r.headers.get('content-type'), r.headers.get('x-y'), await r.text()]; })()"))
                .isEqualTo("[201,true,\"\",\"application/json\",\"z\",\"{\\\"a\\\":[1,\\\"é\\\"]}\"]");
        assertThat(js.eval("(() => { const r = Response.redirect('https://a.com/x y', 301); return [r.status, r.headers.get('location'), r.ok]; })()"))
                .isEqualTo("[301,\"https://a.com/x%20y\",false]");
        assertThat(js.eval("Response.redirect('https://a.com/', 200)")).startsWith("RangeError: Response.redirect: status 200");
        assertThat(js.eval("new Response('x', { status: 99 })")).startsWith("RangeError: Response: status 99 (expected: 200 to 599");
        assertThat(js.eval("new Response('x', { status: 204 })")).isEqualTo("TypeError: Response: a body with status 204 (expected: none)");
        assertThat(js.eval("new Response(null, { status: 101 })")).startsWith("RangeError: ");
        assertThat(js.eval("new Response('x', { status: 404, statusText: 'Nope' }).statusText")).isEqualTo("Nope");
        assertThat(js.await("(async () => { const r = new Response('once'); await r.text(); return r.bodyUsed + ' ' + await r.text(); })()"))
                .startsWith("TypeError: text(): Body has already been used.");
        assertThat(js.await("(async () => { const r = new Response(new Uint8Array([104, 105, 33]).subarray(1)); const c = r.clone();"
                + " return [await r.text(), new Uint8Array(await c.arrayBuffer()).length, r.headers.has('content-type')]; })()"))
                .isEqualTo("[\"i!\",2,false]");
        assertThat(js.await("(async () => (await new Response('{\"k\": 1}').json()).k)()")).isEqualTo("1");
        assertThat(js.await("(async () => [...await new Response('hé').bytes()])()")).isEqualTo("[104,195,169]");
        assertThat(js.eval("new Response(new URLSearchParams({ a: 'b c' })).headers.get('content-type')"))
                .isEqualTo("application/x-www-form-urlencoded;charset=UTF-8");
    }

    @Test
    void requestsFollowTheStandardAndTheReceivedOneIsReadOnly() throws Exception {
        assertThat(js.eval("(() => { const r = new Request('https://a.com/x?y', { method: 'post', body: 'hi', headers: { A: '1' } });"
                + " return [r.method, r.url, r.headers.get('a'), r.headers.get('content-type')]; })()"))
                .isEqualTo("[\"POST\",\"https://a.com/x?y\",\"1\",\"text/plain;charset=UTF-8\"]");
        assertThat(js.eval("new Request('https://a.com/', { body: 'x' })")).isEqualTo("TypeError: Request: a GET request cannot have a body");
        assertThat(js.eval("new Request('/relative')")).startsWith("TypeError: Invalid URL: '/relative'");
        assertThat(js.eval("new Request('https://a.com/', { method: 'patch' }).method + new Request('https://a.com/', { method: 'custom' }).method"))
                .isEqualTo("PATCHcustom");

        JsWorker worker = Scripts.worker(dir.resolve("received"), """
                export default {
                  async fetch(request) {
                    let changed;
                    try { request.headers.set('x', '1'); changed = 'changed'; } catch (e) { changed = e.message; }
                    const copy = new Request(request, { headers: { 'x-copy': 'yes' } });
                    const body = await request.arrayBuffer();
                    return new Response(body, { status: 202, headers: { 'x-method': request.method, 'x-changed': changed,
                        'x-type': request.headers.get('Content-Type'), 'x-copy': copy.headers.get('x-copy') + ' ' + copy.url } });
                  }
                };
                """);
        byte[] body = {0, (byte) 0xff, 10};
        Response r = Scripts.call(worker, new Request("PUT", "https://example.com/up", Headers.of("content-type", "application/octet-stream"),
                body));
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.bytes()).containsExactly(0, 0xff, 10);
        assertThat(r.headers().get("x-method")).isEqualTo("PUT");
        assertThat(r.headers().get("x-changed")).isEqualTo("Can't modify immutable headers.");
        assertThat(r.headers().get("x-type")).isEqualTo("application/octet-stream");
        assertThat(r.headers().get("x-copy")).isEqualTo("yes https://example.com/up");
        assertThat(body).containsExactly(0, 0xff, 10);
    }

    @Test
    void consoleGoesToTheLogAndTextEncodingIsThere() {
        assertThat(js.eval("typeof console.log + typeof TextEncoder + typeof TextDecoder")).isEqualTo("functionfunctionfunction");
        assertThat(js.eval("new TextDecoder().decode(new TextEncoder().encode('héllo'))")).isEqualTo("héllo");
        assertThat(js.eval("(console.log('a', 1, { b: [2] }, new Error('e')), 'logged')")).isEqualTo("logged");
        assertThat(js.eval("typeof print + typeof load + typeof Java")).isEqualTo("undefinedundefinedundefined");
    }

}
