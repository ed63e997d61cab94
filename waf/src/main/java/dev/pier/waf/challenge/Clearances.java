package dev.pier.waf.challenge;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks challenges and the clearances that passing one earns. Both are signed
 * with HMAC-SHA256 and bound to the zone and the client's IP address (a clearance also to its
 * User-Agent), so one cannot be carried to another client. Nodes that share the secret accept
 * each other's clearances.
 *
 * <p>A challenge is {@code expires.random.signature}; the browser must find a number {@code n}
 * such that SHA-256 of {@code challenge + ":" + n} starts with {@code difficulty} zero bits.
 */
public final class Clearances {

    public static final String COOKIE = "cf_clearance";
    /** Where the challenge page sends its answer; the edge answers it itself, the origin never sees it. */
    public static final String VERIFY_PATH = "/cdn-cgi/challenge-platform/verify";
    private static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(5);

    private final SecretKeySpec key;
    private final Duration passage;
    private final int difficulty;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param secret     the signing key; null for a random one (clearances then end with the process)
     * @param passage    how long a clearance lasts (Cloudflare's Challenge Passage, 30 minutes by default)
     * @param difficulty leading zero bits the proof of work needs (16 takes a browser well under a second)
     */
    public Clearances(byte[] secret, Duration passage, int difficulty) {
        if (difficulty < 1 || difficulty > 32) {
            throw new IllegalArgumentException("difficulty: " + difficulty + " (expected: 1 to 32 bits)");
        }
        byte[] k = secret;
        if (k == null) {
            k = new byte[32];
            random.nextBytes(k);
        }
        this.key = new SecretKeySpec(k, "HmacSHA256");
        this.passage = passage;
        this.difficulty = difficulty;
    }

    public String cookieName() {
        return COOKIE;
    }

    public Duration passage() {
        return passage;
    }

    public int difficulty() {
        return difficulty;
    }

    /** A new challenge for this client. */
    public String challenge(String zone, InetAddress client, long now) {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        String body = (now + CHALLENGE_LIFETIME.toMillis()) / 1000 + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
        return body + "." + sign("challenge", zone, client.getHostAddress(), body);
    }

    /**
     * Checks an answer to a challenge and returns the clearance cookie value it earns, or null
     * when the challenge is forged, expired, for another client, or the work is not done.
     */
    public String solve(String challenge, String answer, String zone, InetAddress client, String userAgent, long now) {
        if (challenge == null || answer == null || answer.length() > 20 || !answer.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int last = challenge.lastIndexOf('.');
        if (last < 0) {
            return null;
        }
        String body = challenge.substring(0, last);
        if (!constantTimeEquals(challenge.substring(last + 1), sign("challenge", zone, client.getHostAddress(), body))
                || expired(body, now) || leadingZeroBits(sha256(challenge + ":" + answer)) < difficulty) {
            return null;
        }
        String expires = Long.toString((now + passage.toMillis()) / 1000);
        return expires + "." + sign("clearance", zone, client.getHostAddress(), expires, userAgent);
    }

    /** Whether a {@code cf_clearance} value is valid for this zone, client and time. */
    public boolean valid(String clearance, String zone, InetAddress client, String userAgent, long now) {
        int dot = clearance.indexOf('.');
        if (dot < 0) {
            return false;
        }
        String expires = clearance.substring(0, dot);
        return !expired(expires, now)
                && constantTimeEquals(clearance.substring(dot + 1), sign("clearance", zone, client.getHostAddress(), expires, userAgent));
    }

    private static boolean expired(String body, long now) {
        int dot = body.indexOf('.');
        String seconds = dot < 0 ? body : body.substring(0, dot);
        try {
            return Long.parseLong(seconds) * 1000 <= now;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private String sign(String... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            for (String p : parts) {
                mac.update(p.getBytes(StandardCharsets.UTF_8));
                mac.update((byte) 0);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static int leadingZeroBits(byte[] hash) {
        int bits = 0;
        for (byte b : hash) {
            if (b == 0) {
                bits += 8;
                continue;
            }
            return bits + Integer.numberOfLeadingZeros(b & 0xff) - 24;
        }
        return bits;
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
