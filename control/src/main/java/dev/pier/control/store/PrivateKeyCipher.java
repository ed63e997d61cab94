package dev.pier.control.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts a certificate's private key for the store and decrypts it back: AES-256-GCM from the
 * JDK, a random 96-bit nonce for every value, the certificate's id as associated data (a value
 * moved to another row does not decrypt). A value is kept as
 * {@code pier-aes256gcm:KEYID:BASE64(nonce ‖ ciphertext ‖ tag)}; KEYID names the key of
 * {@link StoreKeys} it needs. A value without that prefix is a PEM key from before encryption,
 * read as it is until the store encrypts it.
 */
final class PrivateKeyCipher {

    static final String PREFIX = "pier-aes256gcm:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StoreKeys keys;

    PrivateKeyCipher(StoreKeys keys) {
        this.keys = keys;
    }

    StoreKeys keys() {
        return keys;
    }

    /**
     * The stored form of {@code pem}, encrypted with the current key.
     *
     * @throws StoreException NO_KEY when there is no key to encrypt with
     */
    String encrypt(String pem, String certificateId) {
        if (!keys.configured()) {
            throw new StoreException(StoreException.Kind.NO_KEY, "store: private keys cannot be stored: this node has no key to encrypt"
                    + " them at rest (expected: " + StoreKeys.KEY_FILE_VARIABLE + " or " + StoreKeys.KEY_VARIABLE
                    + " set; docs/OPERATIONS.md)");
        }
        StoreKeys.Key key = keys.current();
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.secret(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(certificateId));
            byte[] sealed = cipher.doFinal(pem.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return PREFIX + key.id() + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is missing from this JDK", e);
        }
    }

    /**
     * The PEM key a stored value holds.
     *
     * @throws StoreException UNAVAILABLE when its key is not among the keys, or it does not
     *                        decrypt (altered, or moved from another certificate)
     */
    String decrypt(String stored, String certificateId) {
        if (!isEncrypted(stored)) {
            return stored;
        }
        String keyId = keyId(stored);
        StoreKeys.Key key = keys.byId(keyId).orElseThrow(() -> new StoreException(StoreException.Kind.UNAVAILABLE,
                "store: the private key of certificate " + certificateId + " is encrypted with key " + keyId + ", which is not among"
                        + " this node's keys (" + describe(keys) + "); give the node the key file that holds it"
                        + " (docs/OPERATIONS.md, \"The store's key\")"));
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(PREFIX.length() + keyId.length() + 1));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.secret(), new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(certificateId));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new StoreException(StoreException.Kind.UNAVAILABLE, "store: the private key of certificate " + certificateId
                    + " does not decrypt with key " + keyId + ": the stored value was altered or belongs to another certificate", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is missing from this JDK", e);
        }
    }

    /** True when a stored value is encrypted (by any key); false for a PEM key from before encryption. */
    static boolean isEncrypted(String stored) {
        return stored.startsWith(PREFIX);
    }

    /** The id of the key a stored encrypted value needs. */
    static String keyId(String stored) {
        int end = stored.indexOf(':', PREFIX.length());
        return end < 0 ? "" : stored.substring(PREFIX.length(), end);
    }

    /** True when the value is encrypted with the current key: nothing to re-encrypt. */
    boolean isCurrent(String stored) {
        return keys.configured() && isEncrypted(stored) && keyId(stored).equals(keys.current().id());
    }

    static String describe(StoreKeys keys) {
        return keys.configured() ? "keys " + String.join(", ", keys.ids()) + " from " + keys.source() : keys.source();
    }

    private static byte[] associatedData(String certificateId) {
        return ("pier zone_certificates.private_key " + certificateId).getBytes(StandardCharsets.US_ASCII);
    }
}
