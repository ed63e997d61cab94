package dev.pier.workers.js;

import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SourceSection;

/**
 * JavaScript that threw: its message and where (file and line), as the log and a failed deploy
 * show it. Its {@link #toString()} is that message alone, without this class's name.
 */
public final class ScriptError extends RuntimeException {

    ScriptError(String message, Throwable cause) {
        super(message, cause);
    }

    ScriptError(String message) {
        super(message);
    }

    /** What {@code e} says, with the first line of the script's own code it passed through. */
    static ScriptError of(String what, PolyglotException e) {
        String where = where(e);
        String message = e.getMessage() == null ? "an error with no message" : e.getMessage();
        return new ScriptError(what + message + (where == null || message.contains(where) ? "" : " (at " + where + ")"), e);
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
