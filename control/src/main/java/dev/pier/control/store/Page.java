package dev.pier.control.store;

import java.util.List;

/** One page of a list, and what Cloudflare's {@code result_info} says about it. */
public record Page<T>(List<T> items, int page, int perPage, int totalCount) {

    public Page {
        items = List.copyOf(items);
    }

    /** Page {@code page} (from 1) of a list held in memory. */
    public static <T> Page<T> slice(List<T> all, int page, int perPage) {
        int from = (int) Math.min(all.size(), (long) (page - 1) * perPage);
        return new Page<>(all.subList(from, Math.min(all.size(), from + perPage)), page, perPage, all.size());
    }

    public int totalPages() {
        return perPage == 0 ? 0 : (totalCount + perPage - 1) / perPage;
    }
}
