package dev.pier.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The bearer token {@code /metrics} accepts (Prometheus sends it from its scrape config's
 * {@code authorization.credentials_file}). Only its SHA-256 is kept, so the configuration can be
 * printed, compared and logged without the secret; a presented token is compared in constant time.
 *
 * @param sha256 the token's SHA-256, hex
 */
public record MetricsToken(String sha256) {

    /** RFC 6750's b64token: what can follow {@code Bearer } in an Authorization header. */
    private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
    /** The shortest token taken: shorter ones can be guessed. */
    public static final int MIN_LENGTH = 16;

    /** The token {@code secret}; an IllegalArgumentException says what is wrong when it cannot be one. */
    public static MetricsToken of(String secret) {
        if (problem(secret) != null) {
            throw new IllegalArgumentException(problem(secret));
        }
        return new MetricsToken(sha256(secret));
    }

    /** What keeps {@code secret} from being a metrics token, or null; never quotes the secret. */
    public static String problem(String secret) {
        if (secret.length() < MIN_LENGTH || !B64TOKEN.matcher(secret).matches()) {
            return "the token is " + secret.length() + " characters (expected: " + MIN_LENGTH
                    + " or more of A-Z a-z 0-9 - . _ ~ + /, e.g. from `openssl rand -hex 32`)";
        }
        return null;
    }

    /** Whether {@code presented} is this token; takes the same time wherever the two differ. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(
                sha256(presented).getBytes(StandardCharsets.US_ASCII), sha256.getBytes(StandardCharsets.US_ASCII));
    }

    private static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "MetricsToken[redacted]";
    }
}
