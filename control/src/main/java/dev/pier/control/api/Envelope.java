package dev.pier.control.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.control.store.Page;
import java.util.List;
import java.util.function.Function;

/** Cloudflare's envelope: {@code success}, {@code errors}, {@code messages}, {@code result}, {@code result_info}. */
final class Envelope {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Envelope() {
    }

    static ApiResponse success(int status, JsonNode result, ObjectNode info, List<ApiError> messages) {
        ObjectNode o = F.objectNode();
        o.put("success", true);
        o.putArray("errors");
        ArrayNode m = o.putArray("messages");
        messages.forEach(e -> m.addObject().put("code", e.code()).put("message", e.message()).putNull("type"));
        o.set("result", result);
        if (info != null) {
            o.set("result_info", info);
        }
        return new ApiResponse(status, o.toString());
    }

    static ApiResponse failure(int status, List<ApiError> errors) {
        ObjectNode o = F.objectNode();
        o.put("success", false);
        ArrayNode e = o.putArray("errors");
        errors.forEach(err -> e.add(error(err)));
        o.putArray("messages");
        o.putNull("result");
        return new ApiResponse(status, o.toString());
    }

    private static ObjectNode error(ApiError err) {
        ObjectNode o = F.objectNode().put("code", err.code()).put("message", err.message());
        if (!err.chain().isEmpty()) {
            ArrayNode chain = o.putArray("error_chain");
            err.chain().forEach(c -> chain.add(error(c)));
        }
        return o;
    }

    static ApiResponse success(JsonNode result) {
        return success(200, result, null, List.of());
    }

    /**
     * One page of a list, with Cloudflare's {@code result_info}. A page past the last is empty,
     * which is how Cloudflare's client libraries know to stop paging.
     */
    static <T> ApiResponse page(Page<T> page, Function<T, JsonNode> json) {
        ArrayNode items = F.arrayNode();
        page.items().forEach(item -> items.add(json.apply(item)));
        ObjectNode info = F.objectNode().put("page", page.page()).put("per_page", page.perPage())
                .put("count", page.items().size()).put("total_count", page.totalCount()).put("total_pages", page.totalPages());
        return success(200, items, info, List.of());
    }
}
