package dev.pier.workers.runtime.objects;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.Env;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/** A Durable Object class: how to construct an instance, with Cloudflare's {@code constructor(state, env)}. */
final class ObjectClass {

    private final String name;
    private final Constructor<? extends DurableObject> constructor;
    private final Env env;

    /**
     * @throws IllegalArgumentException when {@code type} is not a {@link DurableObject} with a
     *         public constructor {@code (DurableObjectState, Env)}
     */
    ObjectClass(Class<?> type, Env env) {
        this.name = type.getName();
        if (!DurableObject.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(name + " does not implement " + DurableObject.class.getName());
        }
        try {
            this.constructor = type.asSubclass(DurableObject.class).getConstructor(DurableObjectState.class, Env.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(name + " has no public constructor (DurableObjectState state, Env env)", e);
        }
        this.env = env;
    }

    String name() {
        return name;
    }

    DurableObject construct(DurableObjectState state) {
        try {
            return constructor.newInstance(state, env);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(name + " failed to construct", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(name + " cannot be constructed", e);
        }
    }
}
