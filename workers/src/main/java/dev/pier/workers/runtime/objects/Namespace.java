package dev.pier.workers.runtime.objects;

import dev.pier.workers.DurableObjectId;
import dev.pier.workers.DurableObjectNamespace;
import dev.pier.workers.DurableObjectStub;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;

/**
 * A Durable Object namespace as a script's binding sees it: ids (from a name, deterministically;
 * from a string; unique) and stubs, whose requests reach the one object per id of the node's
 * {@link LiveObjects}.
 */
public final class Namespace implements DurableObjectNamespace {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final LiveObjects objects;

    public Namespace(LiveObjects objects) {
        this.objects = objects;
    }

    @Override
    public DurableObjectId idFromName(String objectName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((objects.name() + "\u0000" + objectName).getBytes(StandardCharsets.UTF_8));
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
                return objects.fetch(id, request);
            }
        };
    }
}
