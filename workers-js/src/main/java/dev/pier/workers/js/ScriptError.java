package dev.pier.workers.js;

import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SourceSection;

/**
 * JavaScript that threw: its message and where (file and line), as the log and a failed deploy
 * show it. Its {@link #toString()} is that message alone, without this class's name. When what
 * was thrown is an Error, its own name and message are kept too: a Durable Object's exception
 * reaches the caller's {@code stub.fetch} as an Error of that name and message.
 */
public final class ScriptError extends RuntimeException {

    private final String errorName;
    private final String errorMessage;

    ScriptError(String message, Throwable cause) {
        this(message, cause, null, null);
    }

    ScriptError(String message) {
        this(message, null, null, null);
    }

    /**
     * @param errorName    the thrown Error's {@code name}; null when what was thrown is no Error
     * @param errorMessage the thrown Error's {@code message}
     */
    ScriptError(String message, Throwable cause, String errorName, String errorMessage) {
        super(message, cause);
        this.errorName = errorName;
        this.errorMessage = errorMessage;
    }

    /** The thrown Error's {@code name} ({@code "TypeError"}, …); null when what was thrown is no Error. */
    String errorName() {
        return errorName;
    }

    /** The thrown Error's {@code message}; null when what was thrown is no Error. */
    String errorMessage() {
        return errorMessage;
    }

    /** The first {@code ScriptError} with an Error's name in {@code failure} and its causes, or null. */
    static ScriptError thrownError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ScriptError e && e.errorName != null) {
                return e;
            }
        }
        return null;
    }

    /** What {@code e} says, with the first line of the script's own code it passed through. */
    static ScriptError of(String what, PolyglotException e) {
        String where = where(e);
        String message = e.getMessage() == null ? "an error with no message" : e.getMessage();
        String name = null;
        String own = null;
        org.graalvm.polyglot.Value thrown = e.isGuestException() ? e.getGuestObject() : null;
        try {
            if (thrown != null && thrown.hasMembers() && thrown.getMember("name") != null && thrown.getMember("name").isString()
                    && thrown.getMember("message") != null && thrown.getMember("message").isString()) {
                name = thrown.getMember("name").asString();
                own = thrown.getMember("message").asString();
            }
        } catch (RuntimeException closed) {
            // the context is gone (a limit stopped it): the message alone says what was thrown
        }
        return new ScriptError(what + message + (where == null || message.contains(where) ? "" : " (at " + where + ")"), e, name, own);
    }

    private static String where(PolyglotException e) {
        SourceSection at = e.getSourceLocation();
        if (at == null) {
            for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
                if (frame.isGuestFrame() && frame.getSourceLocation() != null && !frame.getSourceLocation().getSource().isInternal()
                        && !frame.getSourceLocation().getSource().getName().startsWith(JsRealm.RUNTIME_PREFIX)) {
                    at = frame.getSourceLocation();
                    break;
                }
            }
        }
        if (at == null || !at.isAvailable()) {
            return null;
        }
        return at.getSource().getName() + ":" + at.getStartLine() + ":" + at.getStartColumn();
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
