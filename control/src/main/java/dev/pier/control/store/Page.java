package dev.pier.control.store;

import java.util.List;

/** One page of a list, and what Cloudflare's {@code result_info} says about it. */
public record Page<T>(List<T> items, int page, int perPage, int totalCount) {

    public Page {
        items = List.copyOf(items);
    }

    public int totalPages() {
        return perPage == 0 ? 0 : (totalCount + perPage - 1) / perPage;
    }
}
