package dev.pier.workers;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A body written as it goes: a Worker's answer ({@link Response#Response(BodyStream, int,
 * String, Headers)}), which the edge sends to the client as it comes (HTTP/1.1 chunked); a
 * received request's body, which the edge writes as the client sends it; an origin's body that a
 * {@link Fetch#stream streamed fetch} writes; a request body a fetch sends chunked. A write's
 * stage completes once the reader can take more, so a writer that waits for it never holds more
 * than one chunk beyond what its reader buffers.
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
    private java.util.function.Consumer<String> onCancel;

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
        java.util.function.Consumer<String> tell;
        synchronized (this) {
            if (cancelledFor != null) {
                return;
            }
            tell = ended || abortedFor != null ? null : onCancel; // a writer that is done has nothing to stop
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
        if (tell != null) {
            tell.accept(cancelledFor);
        }
    }

    /**
     * Someone beside the two ends gives the body up (the code that made a fetch aborted it): the
     * reader sees it end incomplete, for {@code reason}, and the writer is told as if the reader
     * {@linkplain #onCancel cancelled}. Nothing when the body had ended.
     */
    public void fail(String reason) {
        ArrayDeque<CompletableFuture<Void>> pending = new ArrayDeque<>();
        Reader to;
        java.util.function.Consumer<String> tell;
        synchronized (this) {
            if (ended || abortedFor != null || cancelledFor != null) {
                return;
            }
            abortedFor = cancelledFor = String.valueOf(reason);
            queued.forEach(c -> pending.add(c.taken()));
            queued.clear();
            if (lastTaken != null) {
                pending.add(lastTaken);
            }
            to = reader;
            tell = onCancel;
        }
        for (CompletableFuture<Void> taken : pending) {
            taken.completeExceptionally(new IllegalStateException("the body was given up: " + reason));
        }
        if (to != null) {
            to.aborted(abortedFor);
        }
        if (tell != null) {
            tell.accept(abortedFor);
        }
    }

    /**
     * Tells the writer when the reader {@link #cancel cancels} (at once if it did), so that it can
     * stop what produces the body even while no write is pending (close an origin's connection).
     */
    public void onCancel(java.util.function.Consumer<String> writer) {
        Objects.requireNonNull(writer, "writer");
        String already;
        synchronized (this) {
            onCancel = writer;
            already = cancelledFor;
        }
        if (already != null) {
            writer.accept(already);
        }
    }

    /** Whether the body is complete, aborted or cancelled: nothing more will be written. */
    public synchronized boolean finished() {
        return ended || abortedFor != null || cancelledFor != null;
    }

    /** Reads the whole body (for code that wants it whole, not as it comes): fails when the writer aborts. */
    public CompletionStage<byte[]> readAll() {
        return readAll(Integer.MAX_VALUE - 8);
    }

    /**
     * Reads the whole body, at most {@code max} bytes: a longer body cancels the stream and fails
     * the stage ({@link IllegalStateException}, saying the limit), as does a writer that aborts.
     */
    public CompletionStage<byte[]> readAll(int max) {
        CompletableFuture<byte[]> all = new CompletableFuture<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        consume(new Reader() {
            @Override
            public void chunk(byte[] bytes, CompletableFuture<Void> taken) {
                if (all.isDone()) {
                    taken.completeExceptionally(new IllegalStateException("the body is larger than " + max + " bytes"));
                    return;
                }
                if ((long) out.size() + bytes.length > max) {
                    all.completeExceptionally(new IllegalStateException("the body is larger than " + max + " bytes"));
                    cancel("the body is larger than " + max + " bytes, the most it may be read whole");
                    taken.completeExceptionally(new IllegalStateException("the body is larger than " + max + " bytes"));
                    return;
                }
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
