package dev.pier.workers.js;

import dev.pier.workers.ResourceLimitException;
import dev.pier.workers.Timers;
import java.time.Duration;
import java.util.concurrent.Future;
import org.graalvm.polyglot.HostAccess.Export;
import org.graalvm.polyglot.Value;

/**
 * The Java under {@code setTimeout} and {@code setInterval} ({@code runtime/timers.js}): a task
 * through the Java API's {@link Timers}, which runs it on the event loop that scheduled it, the
 * thread the realm belongs to, as a call into the realm.
 */
public final class JsTimers {

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(JsTimers.class);

    private final JsRealm realm;

    JsTimers(JsRealm realm) {
        this.realm = realm;
    }

    /**
     * Calls {@code callback} (which catches and logs what the script's callback throws) after {@code millis}: as part of the
     * request that set it while that request is unanswered (an {@code await} of a timer goes on counting against the request, as
     * on Cloudflare), else as an event of its own.
     */
    @Export
    public Future<?> schedule(Value callback, double millis) {
        JsRealm.Invocation owner = realm.invocation();
        return Timers.schedule(() -> {
            try {
                realm.call(owner != null && owner.unanswered() ? owner : null, callback);
            } catch (ScriptError | ResourceLimitException e) {
                // the script's own error past the callback's catch, or its context stopped for a limit: the script's doing
                logger.debug("a timer of a JavaScript Worker did not run: {}", e.getMessage());
            } catch (IllegalStateException e) {
                if (realm.closed()) {
                    logger.debug("a timer of a JavaScript Worker did not run: its script was replaced");
                } else {
                    logger.warn("A timer of a JavaScript Worker did not run: what awaits it waits for ever", e);
                }
            } catch (RuntimeException e) {
                logger.warn("A timer of a JavaScript Worker did not run: what awaits it waits for ever", e);
            }
        }, Duration.ofNanos((long) (Math.max(0, millis) * 1_000_000)));
    }

    @Export
    public void cancel(Future<?> timer) {
        timer.cancel(false);
    }
}
