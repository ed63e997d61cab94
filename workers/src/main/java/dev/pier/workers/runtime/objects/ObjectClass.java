package dev.pier.workers.runtime.objects;

import dev.pier.workers.DurableObject;
import dev.pier.workers.DurableObjectState;
import dev.pier.workers.Env;
import dev.pier.workers.host.DurableObjectClass;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/** A Durable Object class with the env its instances get: how to construct one, Cloudflare's {@code constructor(state, env)}. */
final class ObjectClass {

    private final DurableObjectClass type;
    private final Env env;

    ObjectClass(DurableObjectClass type, Env env) {
        this.type = type;
        this.env = env;
    }

    String name() {
        return type.name();
    }

    DurableObject construct(DurableObjectState state) {
        return type.construct(state, env);
    }

    /**
     * A Java class as a Durable Object class.
     *
     * @throws IllegalArgumentException when {@code type} is not a {@link DurableObject} with a
     *         public constructor {@code (DurableObjectState, Env)}
     */
    static DurableObjectClass ofJava(Class<?> type) {
        String name = type.getName();
        if (!DurableObject.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(name + " does not implement " + DurableObject.class.getName());
        }
        Constructor<? extends DurableObject> constructor;
        try {
            constructor = type.asSubclass(DurableObject.class).getConstructor(DurableObjectState.class, Env.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(name + " has no public constructor (DurableObjectState state, Env env)", e);
        }
        return new DurableObjectClass() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public DurableObject construct(DurableObjectState state, Env env) {
                try {
                    return constructor.newInstance(state, env);
                } catch (InvocationTargetException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(name + " failed to construct", e.getCause());
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(name + " cannot be constructed", e);
                }
            }
        };
    }
}
