package dev.pier.workers;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A response body a Worker writes as it goes, for {@link Response#Response(BodyStream, int,
 * String, Headers)}: the edge sends each chunk to the client as it comes (HTTP/1.1 chunked), and
 * a write's stage completes once the client can take more, so a Worker that waits for it never
 * holds more than one chunk beyond what the client's connection buffers.
 *
 * <p>One reader {@link #consume consumes} it (the edge); what is written before arrives in order.
 * After {@link #close()} or {@link #abort}, writes fail; when the reader {@link #cancel cancels}
 * (the client went away), the pending and later writes fail with its reason.
 */
public final class BodyStream {

    /** What reads the stream: every call comes on the writer's thread, in order. */
    public interface Reader {

        /** A chunk; complete {@code taken} when more may come (the client can take more). */
        void chunk(byte[] bytes, CompletableFuture<Void> taken);

        /** The body is complete. */
        void end();

        /** The writer gave up: the body is incomplete, for {@code reason}. */
        void aborted(String reason);
    }

    private record Chunk(byte[] bytes, CompletableFuture<Void> taken) {
    }

    private final ArrayDeque<Chunk> queued = new ArrayDeque<>();
    private Reader reader;
    /** The last chunk given to the reader: a writer that waits for each write has at most this one pending. */
    private CompletableFuture<Void> lastTaken;
    private boolean ended;
    private String abortedFor;
    private String cancelledFor;

    /** Sends {@code bytes} (kept, not copied); the stage completes when more may be written, or fails when the reader cancelled. */
    public CompletionStage<Void> write(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        CompletableFuture<Void> taken = new CompletableFuture<>();
        Reader to;
        synchronized (this) {
            if (cancelledFor != null) {
                return CompletableFuture.failedFuture(new IllegalStateException("the body's reader cancelled it: " + cancelledFor));
            }
            if (ended || abortedFor != null) {
                return CompletableFuture.failedFuture(new IllegalStateException("the body stream is closed"));
            }
            if (reader == null) {
                queued.add(new Chunk(bytes, taken));
                return taken;
            }
            to = reader;
            lastTaken = taken;
        }
        to.chunk(bytes, taken);
        return taken;
    }

    /** The body is complete. */
    public void close() {
        Reader to;
        synchronized (this) {
            if (ended || abortedFor != null || cancelledFor != null) {
                return;
            }
            ended = true;
            to = reader;
        }
        if (to != null) {
            to.end();
        }
    }

    /** The body cannot be completed: the reader sees it end incomplete. */
    public void abort(String reason) {
        Reader to;
        synchronized (this) {
            if (ended || abortedFor != null || cancelledFor != null) {
                return;
            }
            abortedFor = String.valueOf(reason);
            to = reader;
        }
        if (to != null) {
            to.aborted(abortedFor);
        }
    }

    /**
     * Starts reading: what was written so far goes to {@code reader} now, the rest as it is written.
     *
     * @throws IllegalStateException when the stream already has a reader
     */
    public void consume(Reader reader) {
        Objects.requireNonNull(reader, "reader");
        ArrayDeque<Chunk> earlier;
        boolean end;
        String aborted;
        synchronized (this) {
            if (this.reader != null) {
                throw new IllegalStateException("the body stream already has a reader");
            }
            this.reader = reader;
            earlier = new ArrayDeque<>(queued);
            queued.clear();
            end = ended;
            aborted = abortedFor;
        }
        for (Chunk c : earlier) {
            reader.chunk(c.bytes(), c.taken());
        }
        if (end) {
            reader.end();
        } else if (aborted != null) {
            reader.aborted(aborted);
        }
    }

    /** The reader wants no more (the client went away): pending and later writes fail with {@code reason}. */
    public void cancel(String reason) {
        ArrayDeque<CompletableFuture<Void>> pending = new ArrayDeque<>();
        synchronized (this) {
            cancelledFor = String.valueOf(reason);
            queued.forEach(c -> pending.add(c.taken()));
            queued.clear();
            if (lastTaken != null) {
                pending.add(lastTaken);
            }
        }
        for (CompletableFuture<Void> taken : pending) {
            taken.completeExceptionally(new IllegalStateException("the body's reader cancelled it: " + reason));
        }
    }

    /** Reads the whole body (for code that wants it whole, not as it comes): fails when the writer aborts. */
    public CompletionStage<byte[]> readAll() {
        CompletableFuture<byte[]> all = new CompletableFuture<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        consume(new Reader() {
            @Override
            public void chunk(byte[] bytes, CompletableFuture<Void> taken) {
                out.writeBytes(bytes);
                taken.complete(null);
            }

            @Override
            public void end() {
                all.complete(out.toByteArray());
            }

            @Override
            public void aborted(String reason) {
                all.completeExceptionally(new IllegalStateException("the body stream was aborted: " + reason));
            }
        });
        return all;
    }
}
