package dev.pier.workers.host;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.Env;

/**
 * A Durable Object class as the runtime constructs it: a Java class with a public constructor
 * {@code (DurableObjectState, Env)}, or a class a script in another language exports (a JavaScript
 * module's {@code export class Room}).
 */
public interface DurableObjectClass {

    /** The class's name, as logs show it. */
    String name();

    /**
     * A new instance, Cloudflare's {@code new Room(ctx, env)}, on the thread of the object's event.
     *
     * @throws RuntimeException what the constructor threw: the event fails and the object is reset
     */
    DurableObject construct(DurableObjectState state, Env env);
}
