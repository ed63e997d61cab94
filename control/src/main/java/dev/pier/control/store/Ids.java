package dev.pier.control.store;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The ids of the store's objects, as Cloudflare's API shows them: 32 lower-case hex digits, 128 random bits. */
public final class Ids {

    /** What an id looks like, for path templates and checks. */
    public static final String REGEX = "[0-9a-f]{32}";
    private static final Pattern PATTERN = Pattern.compile(REGEX);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Whether {@code text} has the shape of an id (not whether anything has it). */
    public static boolean isId(String text) {
        return text != null && PATTERN.matcher(text).matches();
    }
}
