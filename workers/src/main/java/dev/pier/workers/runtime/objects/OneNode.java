package dev.pier.workers.runtime.objects;

import dev.pier.workers.DurableObjectId;
import dev.pier.workers.Request;
import dev.pier.workers.runtime.storage.ObjectStorage;
import java.util.concurrent.CompletableFuture;

/** The only node: it runs every object, with its storage as it is, and has no other node to send anything to. */
final class OneNode implements Ownership {

    /** A claim that is always granted and costs nothing. */
    private record Mine(ObjectStorage storage) implements Here {
        @Override
        public boolean alarmFromStorage() {
            return false; // the namespace set every stored alarm when it started, and only this node sets more
        }

        @Override
        public void release() {
        }

        @Override
        public void taken() {
        }
    }

    @Override
    public Claim claim(ObjectStorage storage, Runnable lost) {
        return new Mine(storage);
    }

    @Override
    public Elsewhere knownOwner(String namespace, DurableObjectId id) {
        return null;
    }

    @Override
    public CompletableFuture<Forwarded> forward(Elsewhere owner, String namespace, DurableObjectId id, Request request) {
        throw new IllegalStateException("a single node runs every object itself");
    }

    @Override
    public java.time.Duration orphanedAlarmsEvery() {
        return null;
    }

    @Override
    public void close() {
    }
}
