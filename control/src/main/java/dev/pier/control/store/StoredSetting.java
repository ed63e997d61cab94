package dev.pier.control.store;

import java.time.Instant;

/** A zone setting changed from its default: its Cloudflare id ({@code websockets}) and JSON value ({@code "on"}). */
public record StoredSetting(String id, String jsonValue, Instant modifiedOn) {
}
