package dev.pier.control.store;

import java.time.Instant;

/** An account list (Cloudflare's Lists): its name is what expressions write as {@code $name}. */
public record StoredList(String id, String name, String kind, String description, int numItems, Instant createdOn,
                         Instant modifiedOn) {
}
