package dev.pier.workers.runtime.objects;

import dev.pier.workers.runtime.storage.ObjectStorage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * The database transaction of one event of an object, open from the first storage call that
 * needs it until the event ends, and committed or rolled back with it. The engine's transactions
 * are scoped to a call ({@link ObjectStorage#transaction}) while the event's code runs between its
 * storage calls, so the transaction has a virtual thread of its own: that thread makes the call,
 * and inside it runs, in order, each operation the event sends, and each nested level (a
 * savepoint) as a nested call. The connection stays with that thread, so the event may call from
 * any thread of its own; while the transaction is open, every storage call of the event must come
 * through here.
 */
final class EventTransaction {

    private sealed interface Command permits Operation, Begin, End {
        CompletableFuture<Object> reply();
    }

    /** A storage operation, run in the innermost open level; what it throws is its own failure, and the transaction goes on. */
    private record Operation(Function<ObjectStorage, ?> work, CompletableFuture<Object> reply) implements Command {
    }

    /** Opens a level nested in the innermost one; replied to once it is open. */
    private record Begin(CompletableFuture<Object> reply) implements Command {
    }

    /** Ends the innermost level, committing it or rolling it back; replied to once the engine did. */
    private record End(boolean commit, CompletableFuture<Object> reply) implements Command {
    }

    /** Thrown out of a level so that the engine rolls it back. */
    private static final class RollBack extends RuntimeException {
        final transient End end;

        RollBack(End end) {
            super("rolled back", null, false, false);
            this.end = end;
        }
    }

    /** Where, in the event's code, the storage call that failed was made. */
    private static final class CallerStack extends Exception {
        CallerStack() {
            super("the storage call was made here");
        }
    }

    private final LinkedBlockingQueue<Command> commands = new LinkedBlockingQueue<>();
    /** Levels open: the transaction and its savepoints; 0 once it has ended. Guarded by this. */
    private int depth = 1;
    /** Why the transaction failed as a whole (it is rolled back); set before the failure is replied. */
    private volatile Throwable broken;
    /** The command a caller waits for; only the transaction's thread touches it. */
    private Command awaited;

    private EventTransaction() {
    }

    /** Begins a transaction on {@code durable}; its first command opens the connection. */
    static EventTransaction open(ObjectStorage durable) {
        EventTransaction transaction = new EventTransaction();
        Thread.ofVirtual().name("pier-object-transaction " + durable.ref()).start(() -> transaction.run(durable));
        return transaction;
    }

    /** Runs {@code operation} in the innermost open level; what it throws is thrown here, and the transaction goes on. */
    @SuppressWarnings("unchecked")
    synchronized <T> T call(Function<ObjectStorage, T> operation) {
        checkOpen();
        return (T) send(new Operation(operation, new CompletableFuture<>()));
    }

    /** Opens a level (a savepoint) nested in the innermost one. */
    synchronized void begin() {
        checkOpen();
        send(new Begin(new CompletableFuture<>()));
        depth++;
    }

    /**
     * Ends the innermost level: commits it (a nested level into the one around it; the
     * transaction itself durably) or rolls it back. The level has ended when this returns, also
     * when it throws (then it is rolled back).
     */
    synchronized void end(boolean commit) {
        checkOpen();
        depth--;
        send(new End(commit, new CompletableFuture<>()));
    }

    /** Rolls back every open level, and with them the transaction; when the transaction failed already, there is nothing to do. */
    synchronized void rollBackAll() {
        while (depth > 0 && broken == null) {
            try {
                end(false);
            } catch (RuntimeException e) {
                // the level has ended, rolled back, either way
            }
        }
        depth = 0;
    }

    /** Levels open: 1 for the transaction alone, one more per savepoint; 0 once it has ended. */
    synchronized int depth() {
        return depth;
    }

    private void checkOpen() {
        if (broken != null) {
            throw new IllegalStateException("the event's transaction failed and is rolled back", broken);
        }
        if (depth == 0) {
            throw new IllegalStateException("the event's transaction has ended");
        }
    }

    private Object send(Command command) {
        commands.add(command);
        try {
            return command.reply().join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            cause.addSuppressed(new CallerStack()); // the failure's own trace is the transaction's thread's
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- the transaction's thread

    private void run(ObjectStorage durable) {
        try {
            End end = durable.transaction(this::serve); // committed when serve returns
            end.reply().complete(null);
        } catch (RollBack rollBack) {
            rollBack.end.reply().complete(null);
        } catch (RuntimeException | Error e) {
            // the connection could not be had, or the commit failed: the transaction is rolled back
            broken = e;
            (awaited != null ? awaited : take()).reply().completeExceptionally(e);
        }
    }

    /** Serves one level until its end: returns it to commit the level, or throws {@link RollBack} to roll it back. */
    private End serve(ObjectStorage level) {
        while (true) {
            Command command = take();
            awaited = command;
            switch (command) {
                case Operation operation -> {
                    try {
                        operation.reply().complete(operation.work().apply(level));
                    } catch (RuntimeException | Error e) {
                        operation.reply().completeExceptionally(e);
                    }
                }
                case Begin begin -> nest(level, begin);
                case End end -> {
                    if (end.commit()) {
                        return end;
                    }
                    throw new RollBack(end);
                }
            }
        }
    }

    /** Serves a level nested in {@code level}, as the engine's nested transaction: a savepoint. */
    private void nest(ObjectStorage level, Begin begin) {
        try {
            End end = level.transaction(savepoint -> {
                begin.reply().complete(null);
                return serve(savepoint);
            });
            end.reply().complete(null);
        } catch (RollBack rollBack) {
            rollBack.end.reply().complete(null);
        } catch (RuntimeException | Error e) {
            // the savepoint could not be set, released or rolled back to: the level around it goes on
            awaited.reply().completeExceptionally(e);
        }
    }

    private Command take() {
        while (true) {
            try {
                return commands.take();
            } catch (InterruptedException e) {
                // nobody interrupts this thread on purpose; its transaction ends only by its own command
            }
        }
    }
}
