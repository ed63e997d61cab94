package dev.pier.workers.js;

import dev.pier.workers.BodyStream;
import dev.pier.workers.Headers;
import dev.pier.workers.Response;
import java.util.concurrent.CompletableFuture;
import org.graalvm.polyglot.HostAccess.Export;
import org.graalvm.polyglot.Value;

/**
 * The Java under a Worker's {@code new Response(readableStream)} ({@code runtime/body.js}): the
 * answer goes to Java at once with a {@link BodyStream}, and JavaScript writes each chunk it reads
 * from the stream, waiting for each write's promise, so the client's pace sets the Worker's.
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
}
