package dev.pier.workers;

import java.util.concurrent.Callable;

/** What a Durable Object gets at construction: its id and its storage. */
public interface DurableObjectState {

    DurableObjectId id();

    DurableObjectStorage storage();

    /**
     * Runs {@code callback} while no other event is delivered to the object, Cloudflare's
     * {@code ctx.blockConcurrencyWhile(callback)}, as in a constructor that loads the object's
     * state before its first request. Here no other event is delivered while any event runs, so
     * this only adds the failure rule: when {@code callback} throws, the object is reset as when an
     * event fails (this event keeps none of its writes, whatever it does next; its WebSockets close
     * with 1011; it is constructed again on its next event).
     *
     * @return what {@code callback} returned
     * @throws java.util.concurrent.CompletionException wrapping a checked exception {@code callback}
     *         threw (an unchecked one is rethrown as it is)
     */
    <T> T blockConcurrencyWhile(Callable<T> callback);
}
