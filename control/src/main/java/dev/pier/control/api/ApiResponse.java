package dev.pier.control.api;

/** What the API answers: a status and a JSON body (always Cloudflare's envelope). */
public record ApiResponse(int status, String json) {
}
