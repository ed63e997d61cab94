package dev.pier.workers;

/** A Durable Object class as a Worker's binding names it ({@code env.durableObject("ROOMS")}): how to reach its objects. */
public interface DurableObjectNamespace {

    /** The id of the object called {@code name} in this namespace: the same name always gives the same object. */
    DurableObjectId idFromName(String name);

    /** An id from its {@link DurableObjectId#toString() string form}. */
    DurableObjectId idFromString(String id);

    /** A new, random id. */
    DurableObjectId newUniqueId();

    /** A stub for the object with that id (created on its first event). */
    DurableObjectStub get(DurableObjectId id);
}
