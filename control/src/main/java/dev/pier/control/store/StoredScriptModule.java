package dev.pier.control.store;

import java.util.Objects;

/**
 * One module of a Workers script, as uploaded: the multipart part's name (a relative path, e.g.
 * {@code index.js} or {@code pages/chat.html}), its content type (Cloudflare's module types:
 * {@code application/javascript+module}, {@code text/plain}, {@code application/octet-stream},
 * {@code application/json}, ...) and its bytes.
 */
public record StoredScriptModule(String name, String contentType, byte[] content) {

    public StoredScriptModule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(content, "content");
    }
}
