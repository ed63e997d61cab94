package dev.pier.edge.worker;

import dev.pier.analytics.WorkerUsage;
import dev.pier.workers.ExecutionContext;
import dev.pier.workers.ResourceLimitException;
import java.util.concurrent.CompletionStage;

/** The execution contexts the edge gives Workers. */
final class ExecutionContexts {

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(ExecutionContexts.class);

    /** Work after the response runs to its end; a failure of it is logged, as Cloudflare shows it in the Worker's logs. */
    static final ExecutionContext DETACHED = new ExecutionContext() {
        @Override
        public void waitUntil(CompletionStage<?> work) {
            work.whenComplete((v, e) -> {
                if (e != null) {
                    logger.warn("A Worker's waitUntil work failed", e);
                }
            });
        }
    };

    /** {@link #DETACHED}, and the limits an invocation broke and went on counted in the script's usage. */
    static ExecutionContext counting(WorkerUsage usage) {
        return new ExecutionContext() {
            @Override
            public void waitUntil(CompletionStage<?> work) {
                DETACHED.waitUntil(work);
            }

            @Override
            public void limitExceeded(ResourceLimitException.Limit limit) {
                usage.limitExceeded(limit.metric());
            }
        };
    }

    private ExecutionContexts() {
    }
}
