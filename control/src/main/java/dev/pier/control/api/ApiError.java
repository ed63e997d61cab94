package dev.pier.control.api;

import java.util.List;

/**
 * One entry of the envelope's {@code errors}: Cloudflare's code and message, and the nested
 * {@code error_chain} where Cloudflare gives one (6003 → 6111 for a malformed Authorization header).
 */
public record ApiError(int code, String message, List<ApiError> chain) {

    public ApiError {
        chain = List.copyOf(chain);
    }

    public ApiError(int code, String message) {
        this(code, message, List.of());
    }
}
