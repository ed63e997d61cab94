package dev.pier.workers.runtime.objects;

import dev.pier.workers.DurableObjectId;
import dev.pier.workers.DurableObjectNamespace;
import dev.pier.workers.DurableObjectStub;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import dev.pier.workers.runtime.storage.ObjectRef;
import dev.pier.workers.runtime.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * The objects of one Durable Object class: ids (from a name, deterministically; from a string;
 * unique), and one {@link LiveObject} per id on this node, whose storage lives in the
 * {@link ObjectStore} under this namespace's name.
 */
public final class Namespace implements DurableObjectNamespace {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Every object's events run on virtual threads: storage calls block, and an object holds no platform thread while idle. */
    private static final Executor THREADS = Executors.newVirtualThreadPerTaskExecutor();

    private final String name;
    private final ObjectClass type;
    private final ObjectStore store;
    private final ConcurrentHashMap<DurableObjectId, LiveObject> live = new ConcurrentHashMap<>();

    /**
     * @param name  the namespace's name, unique on the node (its objects' storage is kept under it)
     * @param type  the class, a {@code DurableObject} with a public constructor {@code (DurableObjectState, Env)}
     * @param env   the bindings its objects get
     * @param store where its objects' storage lives
     * @throws IllegalArgumentException when {@code type} is not such a class
     */
    public Namespace(String name, Class<?> type, dev.pier.workers.Env env, ObjectStore store) {
        this.name = name;
        this.type = new ObjectClass(type, env);
        this.store = store;
        for (ObjectRef ref : store.dueAlarms(Long.MAX_VALUE)) { // every alarm stored: after a restart they go off as set
            if (ref.namespace().equals(name)) {
                live(idFromString(ref.objectId())).scheduleStoredAlarm();
            }
        }
    }

    private LiveObject live(DurableObjectId id) {
        return live.computeIfAbsent(id, i -> new LiveObject(i, this.type, store.open(name, i.toString()), THREADS));
    }

    @Override
    public DurableObjectId idFromName(String objectName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((name + "\u0000" + objectName).getBytes(StandardCharsets.UTF_8));
            return new DurableObjectId(HexFormat.of().formatHex(digest), objectName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public DurableObjectId idFromString(String id) {
        return new DurableObjectId(id, null);
    }

    @Override
    public DurableObjectId newUniqueId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return new DurableObjectId(HexFormat.of().formatHex(bytes), null);
    }

    @Override
    public DurableObjectStub get(DurableObjectId id) {
        return new DurableObjectStub() {
            @Override
            public DurableObjectId id() {
                return id;
            }

            @Override
            public CompletionStage<Response> fetch(Request request) {
                return live(id).fetch(request);
            }
        };
    }

    /** How many objects are in memory. */
    public int liveObjects() {
        return live.size();
    }
}
