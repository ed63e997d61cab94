package dev.pier.control.api;

import java.util.List;
import java.util.Map;

/**
 * A request to the API as the listener received it.
 *
 * @param method  upper case
 * @param path    below {@code /client/v4}, e.g. {@code /zones/023e…/settings/websockets}
 * @param query   decoded query parameters
 * @param headers lower-cased header names
 * @param body    the body's bytes (empty when there is none)
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers, byte[] body) {

    public String header(String name) {
        return headers.get(name);
    }

    public String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
