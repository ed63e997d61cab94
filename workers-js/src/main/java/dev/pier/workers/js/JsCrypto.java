package dev.pier.workers.js;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.graalvm.polyglot.HostAccess.Export;
import org.graalvm.polyglot.Value;

/**
 * The Java under {@code crypto} ({@code runtime/crypto.js}): random bytes and UUIDs from a
 * {@link SecureRandom}, digests and HMAC from the JDK's providers, and a constant-time compare.
 * JavaScript checks the algorithm names before they reach here.
 */
public final class JsCrypto {

    private static final SecureRandom RANDOM = new SecureRandom();

    JsCrypto() {
    }

    @Export
    public String randomUUID() {
        return UUID.randomUUID().toString();
    }

    /** {@code length} random bytes. */
    @Export
    public ByteBuffer randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return ByteBuffer.wrap(bytes);
    }

    /** The digest ({@code SHA-1}, {@code SHA-256}, {@code SHA-384}, {@code SHA-512}) of {@code length} bytes from {@code offset}. */
    @Export
    public ByteBuffer digest(String algorithm, Value data, int offset, int length) throws NoSuchAlgorithmException {
        return ByteBuffer.wrap(MessageDigest.getInstance(algorithm).digest(bytes(data, offset, length)));
    }

    /** HMAC with {@code hash} ({@code SHA-256}, ...) of the data under the key. */
    @Export
    public ByteBuffer hmac(String hash, Value key, int keyOffset, int keyLength, Value data, int offset, int length)
            throws GeneralSecurityException {
        String algorithm = "Hmac" + hash.replace("-", "");
        Mac mac = Mac.getInstance(algorithm);
        byte[] keyBytes = bytes(key, keyOffset, keyLength);
        // The JDK refuses an empty key; HMAC pads any key to the block size, so one zero byte is the same key.
        mac.init(new SecretKeySpec(keyBytes.length == 0 ? new byte[1] : keyBytes, algorithm));
        return ByteBuffer.wrap(mac.doFinal(bytes(data, offset, length)));
    }

    /** Whether two byte ranges are equal, in a time that depends on their length only. */
    @Export
    public boolean timingSafeEqual(Value a, int aOffset, int aLength, Value b, int bOffset, int bLength) {
        return MessageDigest.isEqual(bytes(a, aOffset, aLength), bytes(b, bOffset, bLength));
    }

    private static byte[] bytes(Value buffer, int offset, int length) {
        byte[] out = new byte[length];
        if (length > 0) {
            buffer.readBuffer(offset, out, 0, length);
        }
        return out;
    }
}
