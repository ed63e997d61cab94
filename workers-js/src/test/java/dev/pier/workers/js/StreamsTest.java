package dev.pier.workers.js;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.workers.BodyStream;
import dev.pier.workers.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** ReadableStream, WritableStream and TransformStream against the Streams standard's behaviour, and stream bodies of Request and Response. */
class StreamsTest {

    @TempDir
    static Path dir;

    @RegisterExtension
    static final JsConsole js = new JsConsole();

    @Test
    void aReaderReadsChunksInOrderThenDoneAndLocksTheStream() {
        assertThat(js.await("""
                (async () => {
                  const s = new ReadableStream({ start(c) { c.enqueue('a'); c.enqueue('b'); c.close(); } });
                  const r = s.getReader();
                  const out = [s.locked];
                  let locked; try { s.getReader(); } catch (e) { locked = e.message; }
                  out.push(locked, await r.read(), await r.read(), await r.read(), await r.read());
                  r.releaseLock();
                  out.push(s.locked);
                  return out;
                })()""")).isEqualTo("[true,\"getReader: the stream is already locked to a reader\",{\"value\":\"a\",\"done\":false},"
                + "{\"value\":\"b\",\"done\":false},{\"done\":true},{\"done\":true},false]");
    }

    @Test
    void pullIsCalledOnDemandAndErrorsRejectReads() {
        assertThat(js.await("""
                (async () => {
                  let pulls = 0;
                  const s = new ReadableStream({ pull(c) { pulls++; if (pulls <= 3) c.enqueue(pulls); else c.close(); } }, { highWaterMark: 0 });
                  const seen = [];
                  for await (const v of s) seen.push(v);
                  const bad = new ReadableStream({ start(c) { c.error(new RangeError('broken')); } });
                  let error; try { await bad.getReader().read(); } catch (e) { error = e.name + ' ' + e.message; }
                  return [seen.join(), pulls, error];
                })()""")).isEqualTo("[\"1,2,3\",4,\"RangeError broken\"]");
        assertThat(js.await("""
                (async () => {
                  let reason;
                  const s = new ReadableStream({ pull(c) { c.enqueue(1); }, cancel(r) { reason = r; } });
                  const r = s.getReader();
                  await r.read();
                  await r.cancel('enough');
                  return [reason, (await r.read()).done];
                })()""")).isEqualTo("[\"enough\",true]");
    }

    @Test
    void teeGivesBothBranchesEveryChunkAndFromTakesIterables() {
        assertThat(js.await("""
                (async () => {
                  const [a, b] = ReadableStream.from(['x', 'y', 'z']).tee();
                  const all = async (s) => { const out = []; for await (const v of s) out.push(v); return out.join(''); };
                  return [await all(a), await all(b)];
                })()""")).isEqualTo("[\"xyz\",\"xyz\"]");
    }

    @Test
    void aTransformStreamTransformsWhatItsWriterWritesAndFlushes() {
        assertThat(js.await("""
                (async () => {
                  const { readable, writable } = new TransformStream({
                    transform(chunk, c) { c.enqueue(chunk.toUpperCase()); },
                    flush(c) { c.enqueue('!'); },
                  });
                  const w = writable.getWriter();
                  w.write('a'); w.write('b'); w.close();
                  const out = [];
                  for await (const v of readable) out.push(v);
                  return out.join('');
                })()""")).isEqualTo("AB!");
        assertThat(js.await("""
                (async () => {
                  const written = [];
                  const ws = new WritableStream({ write(c) { written.push(c); }, close() { written.push('closed'); } });
                  await ReadableStream.from([1, 2]).pipeTo(ws);
                  const w = ws.getWriter();
                  let after; try { await w.write(3); } catch (e) { after = e.message; }
                  return [written.join(), after];
                })()""")).isEqualTo("[\"1,2,closed\",\"write: the stream is closed\"]");
        assertThat(js.await("""
                (async () => {
                  const out = ReadableStream.from(['a', 'b']).pipeThrough(new TransformStream({ transform(c, k) { k.enqueue(c + c); } }));
                  return new Response(out).text();
                })()""")).isEqualTo("aabb");
    }

    @Test
    void bodiesAreStreamsAndStreamsAreBodies() {
        assertThat(js.await("""
                (async () => {
                  const enc = new TextEncoder();
                  const r = new Response(new ReadableStream({ start(c) { c.enqueue(enc.encode('hé')); c.enqueue(enc.encode('llo')); c.close(); } }));
                  const copy = r.clone();
                  const out = [r.headers.has('content-type'), await r.text(), r.bodyUsed, await copy.text()];
                  const body = new Response('streamed').body;
                  const reader = body.getReader();
                  const first = await reader.read();
                  out.push(body instanceof ReadableStream, new TextDecoder().decode(first.value), (await reader.read()).done);
                  out.push(new Response(null).body, new Request('https://a.example/').body);
                  const used = new Response('x'); const b = used.body; await b.getReader().read();
                  out.push(used.bodyUsed);
                  let again; try { await used.text(); } catch (e) { again = e.name; }
                  out.push(again);
                  return out;
                })()""")).isEqualTo("[false,\"héllo\",true,\"héllo\",true,\"streamed\",true,null,null,true,\"TypeError\"]");
        assertThat(js.await("(async () => new Response(ReadableStream.from([1])).text())()"))
                .isEqualTo("TypeError: a body stream gave a number chunk (expected: a Uint8Array or an ArrayBuffer)");
    }

    @Test
    void aWorkerAnswersWithAStreamAndReadsTheRequestBodyAsOne() throws Exception {
        JsWorker worker = Scripts.worker(dir.resolve("stream"), """
                export default {
                  async fetch(request) {
                    const reader = request.body.getReader();
                    let received = 0;
                    for (let r = await reader.read(); !r.done; r = await reader.read()) received += r.value.byteLength;
                    const { readable, writable } = new TransformStream();
                    const writer = writable.getWriter();
                    const enc = new TextEncoder();
                    (async () => {
                      for (let i = 0; i < 3; i++) { await new Promise((r) => setTimeout(r, 5)); await writer.write(enc.encode(`chunk ${i};`)); }
                      await writer.close();
                    })();
                    return new Response(readable, { headers: { 'x-received': String(received) } });
                  }
                };
                """);
        Response r = Scripts.call(worker, Scripts.post("https://w.example/", "0123456789"));
        assertThat(r.headers().get("x-received")).isEqualTo("10");
        assertThat(r.bytes()).isEmpty();
        List<String> chunks = new CopyOnWriteArrayList<>();
        CompletableFuture<String> end = new CompletableFuture<>();
        r.stream().consume(new BodyStream.Reader() {
            @Override
            public void chunk(byte[] bytes, CompletableFuture<Void> taken) {
                chunks.add(new String(bytes, StandardCharsets.UTF_8));
                taken.complete(null);
            }

            @Override
            public void end() {
                end.complete("end");
            }

            @Override
            public void aborted(String reason) {
                end.complete("aborted: " + reason);
            }
        });
        assertThat(end.get(5, TimeUnit.SECONDS)).isEqualTo("end");
        assertThat(chunks).containsExactly("chunk 0;", "chunk 1;", "chunk 2;");
    }

    @Test
    void aStreamThatFailsAbortsTheBodyAndACancelledBodyCancelsTheStream() throws Exception {
        JsWorker worker = Scripts.worker(dir.resolve("failing"), """
                let cancelled = 'not cancelled';
                export default {
                  fetch(request) {
                    if (request.url.endsWith('/cancelled')) return new Response(cancelled);
                    if (request.url.endsWith('/bad')) return new Response(ReadableStream.from(['ok', 42]));
                    let n = 0;
                    return new Response(new ReadableStream({
                      pull(c) { c.enqueue(new Uint8Array([n++])); },
                      cancel(reason) { cancelled = 'cancelled: ' + reason.message; },
                    }));
                  }
                };
                """);
        Response bad = Scripts.get(worker, "https://w.example/bad");
        assertThat(bad.stream().readAll().toCompletableFuture()).failsWithin(5, TimeUnit.SECONDS).withThrowableThat()
                .withMessageContaining("the body stream was aborted: TypeError: a body stream gave a number chunk");
        Response endless = Scripts.get(worker, "https://w.example/endless");
        CompletableFuture<Void> second = new CompletableFuture<>();
        endless.stream().consume(new BodyStream.Reader() {
            int seen;

            @Override
            public void chunk(byte[] bytes, CompletableFuture<Void> taken) {
                if (++seen < 3) {
                    taken.complete(null);
                } else {
                    second.complete(null); // the third write waits: the reader goes away instead
                }
            }

            @Override
            public void end() {
            }

            @Override
            public void aborted(String reason) {
            }
        });
        second.get(5, TimeUnit.SECONDS);
        endless.stream().cancel("the client went away");
        String cancelled = "";
        for (int i = 0; i < 100 && !cancelled.startsWith("cancelled"); i++) {
            Thread.sleep(20);
            cancelled = Scripts.get(worker, "https://w.example/cancelled").text();
        }
        assertThat(cancelled).isEqualTo("cancelled: the body's reader cancelled it: the client went away");
    }
}
