package dev.pier.workers;

import java.util.concurrent.CompletionStage;

/** A way to one Durable Object: its {@link DurableObject#fetch} answers. */
public interface DurableObjectStub {

    DurableObjectId id();

    CompletionStage<Response> fetch(Request request);
}
