package dev.pier.edge.http;

import java.util.concurrent.ThreadLocalRandom;

/** Request ids: 16 hex digits, like the first part of a Cloudflare Ray ID. */
final class RayIds {

    private RayIds() {
    }

    static String next() {
        long id = ThreadLocalRandom.current().nextLong();
        String hex = Long.toHexString(id);
        return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
    }
}
