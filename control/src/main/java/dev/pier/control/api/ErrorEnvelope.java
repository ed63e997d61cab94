package dev.pier.control.api;

import dev.pier.control.store.StoreException;
import java.util.List;
import java.util.function.Supplier;

/**
 * Around the whole of a request, the route's lookup included: every failure becomes Cloudflare's
 * envelope. A refusal ({@link ApiException}) keeps its status and errors; a conflict in the store
 * is Cloudflare's 1061; a failing store is a 503 and a bug a 500, both logged (on the API's
 * logger, never with a header, so never with a secret) and both without details in the answer.
 */
final class ErrorEnvelope {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ControlApi.class);

    private ErrorEnvelope() {
    }

    static ApiResponse around(ApiRequest request, Supplier<ApiResponse> work) {
        try {
            return work.get();
        } catch (ApiException e) {
            return Envelope.failure(e.status(), e.errors());
        } catch (StoreException e) {
            if (e.kind() == StoreException.Kind.CONFLICT) {
                return Envelope.failure(400, List.of(new ApiError(1061, e.getMessage())));
            }
            LOG.warn("API: {} {}: the store failed: {}", request.method(), request.path(), e.getMessage());
            return Envelope.failure(503, List.of(new ApiError(1000, "The store is unavailable; the edge's log has the details")));
        } catch (RuntimeException e) {
            LOG.error("API: {} {} failed", request.method(), request.path(), e);
            return Envelope.failure(500, List.of(new ApiError(10001, "Internal error; the edge's log has the details")));
        }
    }
}
