package dev.pier.workers.runtime.objects;

import dev.pier.workers.DurableObjectId;
import dev.pier.workers.Request;
import dev.pier.workers.runtime.storage.ObjectLeases;
import dev.pier.workers.runtime.storage.ObjectRef;
import dev.pier.workers.runtime.storage.ObjectStorage;
import dev.pier.workers.runtime.storage.StorageException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ownership for nodes that share a PostgreSQL storage: a node runs an object only while it holds
 * the object's lease ({@link ObjectLeases}). It claims the lease on the object's first event,
 * renews the leases of every object it has in memory in one statement every third of the term,
 * releases a lease when its object leaves memory, and all of them when it stops. An object whose
 * lease another node holds has its requests sent there ({@link NodeClient}); which node that is
 * stays known here until that node's lease could have run out.
 *
 * <p>Each node is one process: its id is new at each start, so a process never mistakes a lease of
 * an earlier one at the same address for its own.
 */
public final class NodeLeases implements Ownership {

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(NodeLeases.class);

    private final ObjectLeases leases;
    private final String node = UUID.randomUUID().toString();
    private final String address;
    private final Duration term;
    /** Sends requests to the other nodes; null when this node has no secret to send them with. */
    private final NodeClient client;
    /** The leases this node holds, by token. */
    private final Map<Long, Lease> held = new ConcurrentHashMap<>();
    /** The other nodes known to run objects, until their leases could have run out. */
    private final Map<ObjectRef, Elsewhere> owners = new ConcurrentHashMap<>();
    /** The other nodes that could not be reached, until ({@link System#nanoTime()}) the lease they held then runs out. */
    private final Map<String, Long> unreachable = new ConcurrentHashMap<>();
    private final Thread renewer;
    /** Counted down when the node stops: the renewer stops waiting for its next turn. */
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean closed;

    /**
     * @param address where the other nodes reach this one ({@code http://HOST:PORT}), or null when they cannot
     * @param client  sends requests to the other nodes, or null when this node has no secret to send them with
     * @param term    how long a lease lasts unless it is renewed
     */
    public NodeLeases(ObjectLeases leases, String address, NodeClient client, Duration term) {
        this(leases, address, client, term, term.dividedBy(3));
    }

    /** @param renewEvery how often the leases held are renewed; a term's third, except in tests of a node too slow to renew */
    NodeLeases(ObjectLeases leases, String address, NodeClient client, Duration term, Duration renewEvery) {
        this.leases = leases;
        this.address = address;
        this.client = client;
        this.term = term;
        this.renewer = Thread.ofVirtual().name("pier-object-leases").start(() -> renewEvery(renewEvery));
        logger.info("Durable Objects: this node ({}) runs an object while it holds its lease ({} ms unless renewed) in the"
                + " shared storage; {}", node, term.toMillis(), address == null ? "the other nodes cannot send it requests (no node_address)"
                : "the other nodes send requests for its objects to " + address);
    }

    /** This process's id among the nodes. */
    public String node() {
        return node;
    }

    @Override
    public Claim claim(ObjectStorage storage, Runnable lost) {
        ObjectRef ref = storage.ref();
        if (closed) {
            throw new IllegalStateException(ref + ": the node is stopping");
        }
        return switch (leases.claim(ref, node, address, term)) {
            case ObjectLeases.Granted granted -> {
                owners.remove(ref);
                Lease lease = new Lease(granted.token(), leases.fenced(ref, granted.token()), lost);
                held.put(granted.token(), lease);
                yield lease;
            }
            case ObjectLeases.Held other -> {
                Elsewhere owner = new Elsewhere(other.owner(), other.address(), System.nanoTime() + other.remainingMillis() * 1_000_000);
                owners.put(ref, owner);
                yield owner;
            }
        };
    }

    @Override
    public Elsewhere knownOwner(String namespace, DurableObjectId id) {
        ObjectRef ref = new ObjectRef(namespace, id.toString());
        Elsewhere owner = owners.get(ref);
        if (owner != null && owner.untilNanos() - System.nanoTime() <= 0) {
            owners.remove(ref, owner);
            return null;
        }
        return owner;
    }

    /**
     * Sends the request to {@code owner}; what it says it no longer runs, or a node that cannot be
     * reached, is forgotten as the object's owner, so the next attempt claims the object again. A
     * node found unreachable is not tried again until the lease it held then could have run out:
     * the next attempt right away (it may have given its leases up when it stopped), then after that.
     */
    @Override
    public CompletableFuture<Forwarded> forward(Elsewhere owner, String namespace, DurableObjectId id, Request request) {
        ObjectRef ref = new ObjectRef(namespace, id.toString());
        long wait = owner.remainingMillis();
        CompletableFuture<Forwarded> sent;
        Long unreachableUntil = unreachable.get(owner.node());
        if (owner.address() == null) {
            sent = CompletableFuture.completedFuture(new Unreachable("its node " + owner.node() + " gives no node_address", wait));
        } else if (owner.address().equals(address)) {
            // an earlier process at this node's own address, stopped or handing over: nothing reaches it here
            sent = CompletableFuture.completedFuture(new Unreachable("an earlier process at this node's address (" + address
                    + ") holds it", wait));
        } else if (client == null) {
            sent = CompletableFuture.completedFuture(new Unreachable("this node has no node_secret_file to send it to "
                    + owner.address() + " with", wait));
        } else if (unreachableUntil != null && unreachableUntil - System.nanoTime() > 0) {
            sent = CompletableFuture.completedFuture(new Unreachable("its node at " + owner.address() + " could not be reached", wait));
        } else {
            sent = client.send(owner.address(), namespace, id, request).thenApply(forwarded -> {
                if (forwarded instanceof Unreachable) {
                    unreachable.put(owner.node(), owner.untilNanos());
                }
                return forwarded;
            });
        }
        return sent.whenComplete((forwarded, failure) -> {
            if (!(forwarded instanceof Answered)) {
                owners.remove(ref, owner);
            }
        });
    }

    /** Once a term: by then the lease of a node that stopped without a word ran out, and its objects are anyone's. */
    @Override
    public Duration orphanedAlarmsEvery() {
        return term;
    }

    /** The leases this node holds now. */
    int held() {
        return held.size();
    }

    private void renewEvery(Duration interval) {
        while (true) {
            try {
                if (stopping.await(interval.toNanos(), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return; // nobody interrupts it but the JVM going down
            }
            try {
                renew();
            } catch (RuntimeException e) {
                if (!closed) {
                    logger.warn("Durable Objects: renewing this node's {} leases failed ({}); they are tried again in {} ms", held.size(),
                            e.getMessage(), interval.toMillis());
                }
            }
        }
    }

    /** Renews every lease held, in one statement; the objects of those that were not renewed were taken over. */
    void renew() {
        List<Long> tokens = List.copyOf(held.keySet());
        Set<Long> renewed = leases.renew(node, tokens, term);
        for (Long token : tokens) {
            if (!renewed.contains(token)) {
                Lease lease = held.remove(token);
                if (lease != null) {
                    logger.warn("Durable Object {}: another node took it over; it stops running here", lease.storage.ref());
                    lease.lost.run();
                }
            }
        }
        long now = System.nanoTime();
        owners.values().removeIf(owner -> owner.untilNanos() - now <= 0);
        unreachable.values().removeIf(until -> until - now <= 0);
    }

    /** Stops renewing and gives up every lease this node holds, in one statement. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopping.countDown();
        try {
            int released = leases.releaseAll(node);
            logger.info("Durable Objects: this node ({}) gave up its {} leases", node, released);
        } catch (StorageException e) {
            logger.warn("Durable Objects: this node's leases could not be given up ({}); they run out within {}", e.getMessage(), term);
        }
        held.clear();
    }

    /** A lease this node holds: the object's storage fenced by its token. */
    private final class Lease implements Here {
        private final long token;
        private final ObjectStorage storage;
        private final Runnable lost;

        Lease(long token, ObjectStorage storage, Runnable lost) {
            this.token = token;
            this.storage = storage;
            this.lost = lost;
        }

        @Override
        public ObjectStorage storage() {
            return storage;
        }

        @Override
        public boolean alarmFromStorage() {
            return true;
        }

        @Override
        public void release() {
            if (held.remove(token, this)) {
                try {
                    leases.release(token);
                } catch (StorageException e) {
                    logger.warn("Durable Object {}: its lease could not be given up ({}); it runs out within {}", storage.ref(),
                            e.getMessage(), term);
                }
            }
        }

        @Override
        public void taken() {
            held.remove(token, this);
        }
    }
}
