package dev.pier.control.api;

import java.util.List;

/** Ends a request with an HTTP status and Cloudflare-style errors; nothing has been written. */
public final class ApiException extends RuntimeException {

    private final int status;
    private final List<ApiError> errors;

    public ApiException(int status, ApiError... errors) {
        super(errors.length == 0 ? "" : errors[0].message(), null, false, false);
        this.status = status;
        this.errors = List.of(errors);
    }

    public int status() {
        return status;
    }

    public List<ApiError> errors() {
        return errors;
    }

    static ApiException badRequest(int code, String message) {
        return new ApiException(400, new ApiError(code, message));
    }

    static ApiException notFound(String path) {
        return new ApiException(404, new ApiError(7003, "Could not route to " + path + ", perhaps your object identifier is invalid?"));
    }
}
