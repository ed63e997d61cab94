package dev.pier.autobahn;

/**
 * One Durable Object namespace's figures as the platform MBean server shows them
 * ({@link HibernationFigures}): the servers and the verdicts step run in one JVM, in class
 * loaders that share only the JDK's classes.
 */
public interface HibernationFiguresMXBean {

    /** Requests to the namespace's objects: here, one per WebSocket upgrade. */
    long getRequests();

    /** WebSocket messages from the fuzzer to the objects. */
    long getMessagesIn();

    /** Instances constructed: first events, wake-ups, and events after a failure. */
    long getConstructions();

    /** Idle instances evicted from memory. */
    long getEvictions();

    /** Evicted objects constructed again by their next event. */
    long getWakeUps();

    /** Events that threw or failed to commit. */
    long getErrors();
}
