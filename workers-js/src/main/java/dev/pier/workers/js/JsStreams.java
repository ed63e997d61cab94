package dev.pier.workers.js;

import dev.pier.workers.BodyStream;
import dev.pier.workers.Response;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.graalvm.polyglot.HostAccess.Export;
import org.graalvm.polyglot.Value;

/**
 * The Java under the bodies that stream between JavaScript and the edge ({@code runtime/body.js},
 * {@code runtime/streams.js}). A Worker's {@code new Response(readableStream)} goes to Java at once
 * with a {@link BodyStream}, and JavaScript writes each chunk it reads from the stream, waiting for
 * each write's promise, so the client's pace sets the Worker's. The other way, a body Java writes
 * (a received request's, an origin's) is a {@code ReadableStream} whose chunks a {@link Feed}
 * hands to JavaScript, taking the next only once the script read the last.
 */
public final class JsStreams {

    private final JsRealm realm;

    JsStreams(JsRealm realm) {
        this.realm = realm;
    }

    @Export
    public BodyStream newStream() {
        return new BodyStream();
    }

    /** Completes {@code answer} with a response whose body is {@code stream}; returns null, or why there is no response. */
    @Export
    public String respond(CompletableFuture<Response> answer, BodyStream stream, int status, String statusText, Value headers) {
        try {
            answer.complete(new Response(stream, status, statusText, JsHeaders.of(headers)));
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Writes {@code length} bytes from {@code offset} (a copy); a promise that settles when more may be written. */
    @Export
    public Value write(BodyStream stream, Value buffer, int offset, int length) {
        byte[] bytes = new byte[length];
        if (length > 0) {
            buffer.readBuffer(offset, bytes, 0, length);
        }
        return realm.promise(stream.write(bytes));
    }

    @Export
    public void close(BodyStream stream) {
        stream.close();
    }

    @Export
    public void abort(BodyStream stream, String reason) {
        stream.abort(reason);
    }

    /**
     * Starts reading {@code stream} into a JavaScript stream's controller: {@code chunk(bytes)}
     * for each chunk (an ArrayBuffer over the Java bytes, no copy; it returns whether the chunk
     * went straight to a waiting read), {@code end()}, {@code error(reason)}, each a call into this
     * realm. Returns the feed, which {@link #more} asks for the next chunk.
     */
    @Export
    public Feed read(BodyStream stream, Value chunk, Value end, Value error) {
        Feed feed = new Feed(realm.invocation(), chunk, end, error);
        stream.consume(feed);
        return feed;
    }

    /** The script read all it was given and reads again: the chunks that waited for it are taken, and the writer goes on. */
    @Export
    public void more(Feed feed) {
        for (CompletableFuture<Void> taken = feed.waiting.poll(); taken != null; taken = feed.waiting.poll()) {
            taken.complete(null);
        }
    }

    /** The script wants no more of {@code stream}: its writer stops (an origin's connection closes). */
    @Export
    public void cancel(BodyStream stream, String reason) {
        stream.cancel(reason);
    }

    /** The script gave up the fetch whose body {@code stream} is: its connection closes, and whoever reads the body sees it end incomplete. */
    @Export
    public void fail(BodyStream stream, String reason) {
        stream.fail(reason);
    }

    /**
     * The whole of {@code stream} as a promise of bytes (JavaScript makes an ArrayBuffer over them):
     * at most the script's memory limit; a longer body, or one its writer aborts, rejects it.
     */
    @Export
    public Value readAll(BodyStream stream) {
        int max = (int) Math.min(Integer.MAX_VALUE - 8, realm.limits().memoryBytes());
        return realm.promise(stream.readAll(max).thenApply(ByteBuffer::wrap));
    }

    /** Hands a Java-written body's chunks to a JavaScript stream, in this realm, on the writer's thread. */
    public final class Feed implements BodyStream.Reader {
        private final JsRealm.Invocation owner;
        private final Value chunk;
        private final Value end;
        private final Value error;
        /** The chunks the script has not read yet (one, unless Java wrote several before the first read): taken when it reads again. */
        private final java.util.ArrayDeque<CompletableFuture<Void>> waiting = new java.util.ArrayDeque<>(2);

        Feed(JsRealm.Invocation owner, Value chunk, Value end, Value error) {
            this.owner = owner;
            this.chunk = chunk;
            this.end = end;
            this.error = error;
        }

        @Override
        public void chunk(byte[] bytes, CompletableFuture<Void> taken) {
            // under the realm's lock, as more() runs: a Durable Object's script reads on its own thread
            realm.runFor(owner, () -> {
                if (chunk.execute(ByteBuffer.wrap(bytes)).asBoolean()) {
                    taken.complete(null);
                } else {
                    waiting.add(taken);
                }
            });
        }

        @Override
        public void end() {
            realm.runFor(owner, () -> end.executeVoid());
        }

        @Override
        public void aborted(String reason) {
            realm.runFor(owner, () -> error.executeVoid(reason));
        }
    }
}
