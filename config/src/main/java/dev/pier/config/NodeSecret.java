package dev.pier.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/**
 * The secret the nodes that share Durable Objects present to each other when one sends another a
 * request for an object it runs ({@code durable_objects.node_secret_file}). A node sends it, so it
 * keeps the secret itself; it never prints it, and compares a presented one in constant time.
 *
 * @param value the secret
 */
public record NodeSecret(String value) {

    /** What can go in an HTTP header as it is, as RFC 6750's b64token. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
    /** The shortest secret taken: shorter ones can be guessed. */
    public static final int MIN_LENGTH = 16;

    public NodeSecret {
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** What keeps {@code secret} from being a node secret, or null; never quotes the secret. */
    public static String problem(String secret) {
        if (secret == null || secret.length() < MIN_LENGTH || !TOKEN.matcher(secret).matches()) {
            return "the secret is " + (secret == null ? 0 : secret.length()) + " characters (expected: " + MIN_LENGTH
                    + " or more of A-Z a-z 0-9 - . _ ~ + /, e.g. from `openssl rand -hex 32`)";
        }
        return null;
    }

    /** Whether {@code presented} is this secret; takes the same time wherever the two differ, whatever their lengths. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(sha256(presented), sha256(value));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "NodeSecret[redacted]";
    }
}
