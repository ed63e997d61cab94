package dev.pier.workers.js;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.workers.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Blob and File against the File API, FormData against the XMLHttpRequest standard, and both as bodies. */
class BlobAndFormDataTest {

    @TempDir
    static Path dir;

    @RegisterExtension
    static final JsConsole js = new JsConsole();

    @Test
    void blobsJoinTheirPartsSliceAndRead() {
        assertThat(js.await("""
                (async () => {
                  const b = new Blob(['hé', new Uint8Array([33, 34]), new Blob(['!'])], { type: 'Text/Plain' });
                  const s = b.slice(-3, -1, 'x/y');
                  const f = new File([b], 'a.txt', { lastModified: 5 });
                  return [b.size, b.type, await b.text(), s.size, s.type, [...await s.bytes()], f.name, f.size, f.type, f.lastModified,
                    f instanceof Blob, String(f), (await b.slice(10).arrayBuffer()).byteLength, new Blob([], { type: 'é' }).type,
                    await new Response(b.stream()).text()];
                })()""")).isEqualTo("[6,\"text/plain\",\"hé!\\\"!\",2,\"x/y\",[33,34],\"a.txt\",6,\"\",5,true,\"[object File]\",0,\"\",\"hé!\\\"!\"]");
        assertThat(js.eval("new Blob('abc')")).startsWith("TypeError: Blob: blobParts");
        assertThat(js.eval("new File(['x'])")).startsWith("TypeError: File: 2 arguments required");
    }

    @Test
    void formDataKeepsEntriesInOrder() {
        assertThat(js.eval("""
                (() => {
                  const f = new FormData();
                  f.append('a', '1'); f.append('b', '2'); f.append('a', '3'); f.append('file', new Blob(['x']));
                  const before = [f.get('a'), f.getAll('a'), f.has('b'), f.get('nope'), f.get('file').name, f.get('file') instanceof File];
                  f.set('a', '4');
                  f.delete('b');
                  return [...before, [...f.keys()], f.getAll('a')];
                })()""")).isEqualTo("[\"1\",[\"1\",\"3\"],true,null,\"blob\",true,[\"a\",\"file\"],[\"4\"]]");
        assertThat(js.eval("new FormData().append('a', 'x', 'name.txt')")).startsWith("TypeError: append: a filename with a value that is not a Blob");
    }

    @Test
    void formDataRoundTripsAsAMultipartBodyAndUrlEncodedBodiesReadAsFormData() {
        assertThat(js.await("""
                (async () => {
                  const f = new FormData();
                  f.append('name', 'line1\\nline2');
                  f.append('up"load', new File([new Uint8Array([0, 1, 255])], 'da"ta.bin', { type: 'application/x-thing' }));
                  const r = new Request('https://a.example/', { method: 'POST', body: f });
                  const type = r.headers.get('content-type');
                  const copy = r.clone();
                  const text = await copy.text();
                  const back = await r.formData();
                  const file = back.get('up%22load');
                  return [type.startsWith('multipart/form-data; boundary='), text.includes('name="up%22load"; filename="da%22ta.bin"'),
                    back.get('name'), file.name, file.type, [...await file.bytes()]];
                })()""")).isEqualTo("[true,true,\"line1\\r\\nline2\",\"da%22ta.bin\",\"application/x-thing\",[0,1,255]]");
        assertThat(js.await("(async () => [...(await new Response(new URLSearchParams('a=1&b=x+y')).formData())])()"))
                .isEqualTo("[[\"a\",\"1\"],[\"b\",\"x y\"]]");
        assertThat(js.await("new Response('x').formData()")).startsWith("TypeError: formData(): content-type 'text/plain;charset=UTF-8'");
        assertThat(js.await("(async () => { const b = await new Response('hi', { headers: { 'content-type': 'Text/X' } }).blob();"
                + " return [b.type, await b.text()]; })()")).isEqualTo("[\"text/x\",\"hi\"]");
    }

    @Test
    void aWorkerReadsAnUploadedFormAndAnswersWithABlob() throws Exception {
        JsWorker worker = Scripts.worker(dir.resolve("form"), """
                export default {
                  async fetch(request) {
                    const form = await request.formData();
                    return new Response(new Blob([`${form.get('who')} sent ${form.get('f').size} bytes`], { type: 'text/x-report' }));
                  }
                };
                """);
        String body = "--XyZ\r\nContent-Disposition: form-data; name=\"who\"\r\n\r\nann\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                + "12345\r\n--XyZ--\r\n";
        Response r = Scripts.call(worker, Scripts.post("https://w.example/", body, "content-type", "multipart/form-data; boundary=XyZ"));
        assertThat(r.text()).isEqualTo("ann sent 5 bytes");
        assertThat(r.headers().get("content-type")).isEqualTo("text/x-report");
    }
}
