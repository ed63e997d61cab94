package dev.pier.workers;

/** What a Durable Object gets at construction: its id and its storage. */
public interface DurableObjectState {

    DurableObjectId id();

    DurableObjectStorage storage();
}
