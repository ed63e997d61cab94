package dev.pier.control.api;

import dev.pier.control.store.Store;
import dev.pier.control.store.StoredToken;
import dev.pier.control.store.StoredZone;
import java.util.EnumSet;

/**
 * Lets a call through when its token may make it, by the route's {@link Route.Access} and
 * {@link Route#permission()}, with its zone for a zone route. Scope is checked before the
 * permission and both before the zone is looked up: a token learns nothing about a zone outside
 * its scope, not even whether it exists. Every refusal is Cloudflare's 10000.
 */
final class Authorization implements Decorator {

    private final Store store;

    Authorization(Store store) {
        this.store = store;
    }

    @Override
    public Route.Handler decorate(Route route, Route.Handler next) {
        return switch (route.access()) {
            case PUBLIC, ANY_TOKEN -> next;
            case ADMINISTRATOR -> call -> {
                requireAdministrator(call.token());
                return next.handle(call);
            };
            case ZONES -> call -> {
                require(call.token(), route.permission());
                return next.handle(call);
            };
            case ACCOUNT -> call -> {
                require(call.token(), route.permission());
                if (!call.token().zoneIds().isEmpty()) {
                    throw refused();
                }
                return next.handle(call);
            };
            case ZONE -> call -> {
                String zoneId = call.param("zone_id");
                inScope(zoneId, call.token());
                require(call.token(), route.permission());
                StoredZone zone = store.zone(zoneId).orElseThrow(() -> ApiException.notFound("/zones/" + zoneId));
                return next.handle(call.withZone(zone));
            };
        };
    }

    /** Refused unless {@code zoneId} is in the token's scope (a token with no scope has every zone). */
    static void inScope(String zoneId, StoredToken token) {
        if (!token.zoneIds().isEmpty() && !token.zoneIds().contains(zoneId)) {
            throw refused();
        }
    }

    static void require(StoredToken token, Permission permission) {
        if (!permission.grantedBy(token.permissions())) {
            throw refused();
        }
    }

    /**
     * Tokens are managed by administrators only: a token with every permission on every zone
     * (so a token can never see or revoke one stronger than itself).
     */
    private static void requireAdministrator(StoredToken token) {
        if (!isAdministrator(token)) {
            throw refused();
        }
    }

    /** Every permission on every zone. */
    static boolean isAdministrator(StoredToken token) {
        return token.zoneIds().isEmpty() && EnumSet.allOf(Permission.class).stream().allMatch(p -> p.grantedBy(token.permissions()));
    }

    private static ApiException refused() {
        return new ApiException(403, new ApiError(10000, "Authentication error"));
    }
}
