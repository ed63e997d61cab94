package dev.pier.control.api;

import dev.pier.control.store.Store;
import dev.pier.control.store.StoredToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * API tokens and legacy API keys: issuing them (only a SHA-256 of the secret is stored) and
 * checking a request's {@code Authorization: Bearer} or {@code X-Auth-Email} + {@code X-Auth-Key}
 * headers, with Cloudflare's errors. Secrets never reach a log or an error message.
 */
public final class Credentials {

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{40}");
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{37}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Store store;

    public Credentials(Store store) {
        this.store = store;
    }

    /** A new API token; the returned secret is shown once and never stored. */
    public String issueToken(String name, Set<Permission> permissions, Set<String> zoneIds, String actor) {
        byte[] b = new byte[30];
        FieldLimits.tokenName(name, FieldLimits.TOKEN_NAME);
        RANDOM.nextBytes(b);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(b); // 40 characters, like Cloudflare's
        store.createToken(name, hash("token:" + secret), labels(permissions), zoneIds, actor);
        return secret;
    }

    /** A legacy global API key for an email: every permission on every zone. */
    public String issueGlobalKey(String email, String actor) {
        FieldLimits.tokenName(email, FieldLimits.EMAIL);
        byte[] b = new byte[19];
        RANDOM.nextBytes(b);
        String key = HexFormat.of().formatHex(b).substring(0, 37);
        store.createToken(email, hash("key:" + email + ":" + key), labels(Set.of(Permission.values())), Set.of(), actor);
        return key;
    }

    /** The token a request authenticates with. */
    StoredToken authenticate(ApiRequest request) {
        String authorization = request.header("authorization");
        String email = request.header("x-auth-email");
        String key = request.header("x-auth-key");
        String hash;
        if (authorization != null) {
            if (!authorization.startsWith("Bearer ") || !TOKEN.matcher(authorization.substring(7).trim()).matches()) {
                throw new ApiException(400, new ApiError(6003, "Invalid request headers",
                        java.util.List.of(new ApiError(6111, "Invalid format for Authorization header"))));
            }
            hash = hash("token:" + authorization.substring(7).trim());
        } else if (email != null || key != null) {
            if (key == null || !KEY.matcher(key.trim()).matches()) {
                throw new ApiException(400, new ApiError(6003, "Invalid request headers",
                        java.util.List.of(new ApiError(6103, "Invalid format for X-Auth-Key header"))));
            }
            if (email == null || !email.contains("@")) {
                throw new ApiException(400, new ApiError(6003, "Invalid request headers",
                        java.util.List.of(new ApiError(6102, "Invalid format for X-Auth-Email header"))));
            }
            hash = hash("key:" + email.trim() + ":" + key.trim());
        } else {
            throw new ApiException(400, new ApiError(10000, "Authentication error"));
        }
        StoredToken token = store.tokenByHash(hash).orElse(null);
        if (token == null || !token.status().equals("active")) {
            throw new ApiException(403, new ApiError(10000, "Authentication error"));
        }
        return token;
    }

    /**
     * Whether {@code secret} is an active API token holding {@code permission} on every zone; a
     * token scoped to some zones is not one (what it would read names the others). For the admin
     * listener's own endpoints ({@code /metrics}), which read every zone at once.
     */
    public boolean grantsOnEveryZone(String secret, Permission permission) {
        if (secret == null || !TOKEN.matcher(secret).matches()) {
            return false;
        }
        return store.tokenByHash(hash("token:" + secret))
                .filter(t -> t.status().equals("active") && t.zoneIds().isEmpty() && permission.grantedBy(t.permissions()))
                .isPresent();
    }

    /** Who a token's changes are by, as the audit log names it (its id and name, never its secret). */
    static String actor(StoredToken token) {
        return "token:" + token.id() + " (" + token.name() + ")";
    }

    private static Set<String> labels(Set<Permission> permissions) {
        return permissions.stream().map(Permission::label).collect(java.util.stream.Collectors.toSet());
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
