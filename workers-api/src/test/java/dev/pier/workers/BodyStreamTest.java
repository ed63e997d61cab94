package dev.pier.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** A streamed body: chunks in order to one reader, the writer paced by the reader, and ends, aborts and cancels. */
class BodyStreamTest {

    /** Records what it reads; holds each chunk's "taken" until told. */
    static final class Recording implements BodyStream.Reader {
        final List<String> seen = new ArrayList<>();
        final List<CompletableFuture<Void>> held = new ArrayList<>();

        @Override
        public void chunk(byte[] bytes, CompletableFuture<Void> taken) {
            seen.add(new String(bytes, StandardCharsets.UTF_8));
            held.add(taken);
        }

        @Override
        public void end() {
            seen.add("end");
        }

        @Override
        public void aborted(String reason) {
            seen.add("aborted: " + reason);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void whatIsWrittenBeforeTheReaderComesArrivesInOrderAndAWriteCompletesWhenTaken() {
        BodyStream stream = new BodyStream();
        CompletionStage<Void> first = stream.write(utf8("a"));
        stream.write(utf8("b"));
        Recording reader = new Recording();
        stream.consume(reader);
        CompletionStage<Void> third = stream.write(utf8("c"));
        stream.close();
        assertThat(reader.seen).containsExactly("a", "b", "c", "end");
        assertThat(first.toCompletableFuture()).isNotDone();
        reader.held.get(0).complete(null);
        assertThat(first.toCompletableFuture()).isCompleted();
        assertThat(third.toCompletableFuture()).isNotDone();
        assertThat(stream.write(utf8("late")).toCompletableFuture()).isCompletedExceptionally();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> stream.consume(new Recording())))
                .hasMessage("the body stream already has a reader");
    }

    @Test
    void aCancelFailsThePendingWriteAndTheNextOnes() {
        BodyStream stream = new BodyStream();
        Recording reader = new Recording();
        stream.consume(reader);
        CompletionStage<Void> pending = stream.write(utf8("x"));
        stream.cancel("the client went away");
        assertThat(pending.toCompletableFuture()).failsWithin(java.time.Duration.ZERO).withThrowableThat()
                .withMessageContaining("the body's reader cancelled it: the client went away");
        assertThat(stream.write(utf8("y")).toCompletableFuture()).isCompletedExceptionally();
        stream.close();
        assertThat(reader.seen).containsExactly("x");
    }

    @Test
    void anAbortEndsTheBodyIncompleteAndReadAllFails() {
        BodyStream stream = new BodyStream();
        stream.write(utf8("part"));
        stream.abort("TypeError: bad chunk");
        assertThat(stream.readAll().toCompletableFuture()).failsWithin(java.time.Duration.ZERO).withThrowableThat()
                .withMessageContaining("the body stream was aborted: TypeError: bad chunk");
        BodyStream whole = new BodyStream();
        whole.write(utf8("he"));
        whole.write(utf8("llo"));
        whole.close();
        assertThat(whole.readAll().toCompletableFuture().join()).isEqualTo(utf8("hello"));
    }
}
