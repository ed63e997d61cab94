package dev.pier.workers.runtime.objects;

import dev.pier.workers.DurableObjectId;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.runtime.storage.ObjectStorage;
import java.util.concurrent.CompletableFuture;

/**
 * Which node runs each Durable Object, so that an object has one instance among the nodes that
 * share its storage. A node alone (SQLite storage) runs every object itself: {@link #ONE_NODE},
 * which asks nothing of anyone. Nodes that share a PostgreSQL storage run an object only while
 * they hold its lease ({@link NodeLeases}), and send its requests to the node that holds it.
 */
public interface Ownership extends AutoCloseable {

    /** This node is the only one: it runs every object. */
    Ownership ONE_NODE = new OneNode();

    /**
     * Claims the object whose storage is {@code storage} for this node; called on the object's
     * thread before its first event. {@code lost} is called, from any thread, when the node finds
     * it no longer holds an object it claimed: another node took it over.
     *
     * @throws dev.pier.workers.runtime.storage.StorageException when the claim cannot be made (the object's event fails)
     */
    Claim claim(ObjectStorage storage, Runnable lost);

    /**
     * The other node known to run the object {@code id} of {@code namespace} now, without asking
     * anyone; null when none is (then the object is claimed).
     */
    Elsewhere knownOwner(String namespace, DurableObjectId id);

    /** Sends {@code request} for the object {@code id} of {@code namespace} to {@code owner}. */
    CompletableFuture<Forwarded> forward(Elsewhere owner, String namespace, DurableObjectId id, Request request);

    /**
     * How often the node looks for due alarms that no node's timer will fire: those of objects whose
     * node stopped without a word after it set them. Null for one node, which set a timer for every
     * stored alarm when it started and sets one for every alarm since.
     */
    java.time.Duration orphanedAlarmsEvery();

    /** This node stops: it runs none of the objects any more, and another node may claim them at once. */
    @Override
    void close();

    /** What a claim found: the object runs here, or on another node. */
    sealed interface Claim permits Here, Elsewhere {
    }

    /** This node runs the object. */
    non-sealed interface Here extends Claim {

        /** The storage its events use; with leases, each commit checks that the node still holds the object. */
        ObjectStorage storage();

        /** Whether the object's stored alarm must be set when it is claimed: another node may have set it. */
        boolean alarmFromStorage();

        /** The object left this node's memory: another node may claim it at once. */
        void release();

        /** The object found it was taken over (a commit of it was refused): the node stops holding it. */
        void taken();
    }

    /**
     * Another node runs the object.
     *
     * @param node       that node's id
     * @param address    where it takes requests for its objects ({@code http://HOST:PORT}); null when it gave none
     * @param untilNanos until when ({@link System#nanoTime()}) it holds the object at least, unless it gives it up
     */
    record Elsewhere(String node, String address, long untilNanos) implements Claim {

        /** How long the node still holds the object at least, unless it gives it up; 0 once that time is past. */
        public long remainingMillis() {
            return Math.max(0, (untilNanos - System.nanoTime()) / 1_000_000);
        }
    }

    /** What became of a request sent to another node. */
    sealed interface Forwarded permits Answered, Moved, Unreachable {
    }

    /** The object answered (its own answer: a failure of its event fails the stage instead). */
    record Answered(Response response) implements Forwarded {
    }

    /** That node no longer runs the object: it was never delivered there. */
    record Moved(String why) implements Forwarded {
    }

    /**
     * That node could not be reached, so the request never left this node; the object is looked
     * for again after {@code retryInMillis} (0: at once, as the node may have given it up).
     */
    record Unreachable(String why, long retryInMillis) implements Forwarded {
    }
}
