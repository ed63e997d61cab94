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

    @Test
    void failEndsTheBodyForTheReaderAndTellsTheWriterOnce() {
        BodyStream stream = new BodyStream();
        List<String> writerHeard = new ArrayList<>();
        stream.onCancel(writerHeard::add);
        Recording reader = new Recording();
        stream.consume(reader);
        CompletionStage<Void> pending = stream.write(utf8("a"));
        stream.fail("aborted by the script");
        stream.fail("twice");
        stream.cancel("and cancelled");
        assertThat(reader.seen).containsExactly("a", "aborted: aborted by the script");
        assertThat(writerHeard).containsExactly("aborted by the script");
        assertThat(pending.toCompletableFuture()).isCompletedExceptionally();
        assertThat(stream.finished()).isTrue();
    }

    @Test
    void aWriterThatListensLateHearsOfACancelAtOnceAndOneThatEndedHearsNothing() {
        BodyStream cancelled = new BodyStream();
        cancelled.cancel("the client went away");
        List<String> heard = new ArrayList<>();
        cancelled.onCancel(heard::add);
        assertThat(heard).containsExactly("the client went away");

        BodyStream ended = new BodyStream();
        List<String> none = new ArrayList<>();
        ended.onCancel(none::add);
        ended.close();
        ended.cancel("too late");
        assertThat(none).isEmpty();
    }

    @Test
    void readAllWithALimitFailsPastItAndCancelsTheWriter() {
        BodyStream stream = new BodyStream();
        List<String> writerHeard = new ArrayList<>();
        stream.onCancel(writerHeard::add);
        CompletableFuture<byte[]> all = stream.readAll(4).toCompletableFuture();
        assertThat(stream.write(utf8("abc")).toCompletableFuture()).isCompleted();
        assertThat(stream.write(utf8("de")).toCompletableFuture()).isCompletedExceptionally();
        assertThat(all).isCompletedExceptionally();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(all::join)).hasMessageContaining("the body is larger than 4 bytes");
        assertThat(writerHeard).containsExactly("the body is larger than 4 bytes, the most it may be read whole");

        BodyStream small = new BodyStream();
        CompletableFuture<byte[]> whole = small.readAll(4).toCompletableFuture();
        small.write(utf8("abcd"));
        small.close();
        assertThat(new String(whole.join(), StandardCharsets.UTF_8)).isEqualTo("abcd");
    }
}
