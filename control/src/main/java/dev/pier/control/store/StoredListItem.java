package dev.pier.control.store;

import java.time.Instant;

/** One item of a list: for an IP list, an address or CIDR range. */
public record StoredListItem(String id, String listId, String item, String comment, Instant createdOn, Instant modifiedOn) {
}
