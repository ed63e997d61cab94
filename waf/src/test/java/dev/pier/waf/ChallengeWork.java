package dev.pier.waf;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Does a challenge's proof of work the way the page's script does, for tests that are not a browser. */
public final class ChallengeWork {

    private ChallengeWork() {
    }

    public static String solve(String challenge, int difficulty) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (long n = 0; ; n++) {
            byte[] h = sha.digest((challenge + ":" + n).getBytes(StandardCharsets.US_ASCII));
            int top = ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
            if (top >>> (32 - difficulty) == 0) {
                return Long.toString(n);
            }
        }
    }
}
