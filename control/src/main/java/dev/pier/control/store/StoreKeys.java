package dev.pier.control.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys that encrypt private keys at rest in the store: 256-bit AES keys, each written as its
 * 32 bytes in base64 (what {@code openssl rand -base64 32} prints), one a line. The first key
 * encrypts; every key decrypts, so a key is rotated by putting a new one first and keeping the
 * old one below it until the store has re-encrypted everything (it does so when it opens). Each
 * key is known by an id derived from it, stored beside every value it encrypted, so a store
 * names the key it needs without revealing it.
 *
 * <p>Where they come from: {@value #KEY_FILE_VARIABLE} names a file that holds them, or
 * {@value #KEY_VARIABLE} holds them itself. With neither, an embedded store uses a key file in
 * its own folder, made on first use ({@link #generatedIn}); a PostgreSQL store has none
 * ({@link #none()}) and takes no private key.
 */
public final class StoreKeys {

    public static final String KEY_FILE_VARIABLE = "PIER_STORE_KEY_FILE";
    public static final String KEY_VARIABLE = "PIER_STORE_KEY";
    /** The key file an embedded store makes in its folder when no key is configured. */
    public static final String FOLDER_KEY_FILE = "store.key";

    private static final Logger LOG = LoggerFactory.getLogger(StoreKeys.class);
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One key: its id and the AES key. */
    record Key(String id, SecretKey secret) {

        @Override
        public String toString() {
            return "Key[" + id + "]";
        }
    }

    private final List<Key> keys;
    /** Where the keys came from, for messages: a variable or a file, never their value. */
    private final String source;
    /** The file to make when there is no key yet and the store may have one made; null otherwise. */
    private final Path generateAt;

    private StoreKeys(List<Key> keys, String source, Path generateAt) {
        this.keys = List.copyOf(keys);
        this.source = source;
        this.generateAt = generateAt;
    }

    /** No key: private keys cannot be stored, and stored encrypted ones cannot be read. */
    public static StoreKeys none() {
        return new StoreKeys(List.of(), "no key (neither " + KEY_FILE_VARIABLE + " nor " + KEY_VARIABLE + " is set)", null);
    }

    /**
     * The keys the environment names: {@value #KEY_FILE_VARIABLE} (a file) or
     * {@value #KEY_VARIABLE} (the keys themselves), empty when neither is set.
     *
     * @throws StoreException UNAVAILABLE when both are set, the file cannot be read, or a key is malformed
     */
    public static Optional<StoreKeys> fromEnvironment(Map<String, String> environment) {
        String file = blankToNull(environment.get(KEY_FILE_VARIABLE));
        String text = blankToNull(environment.get(KEY_VARIABLE));
        if (file != null && text != null) {
            throw unavailable("store keys: both " + KEY_FILE_VARIABLE + " and " + KEY_VARIABLE + " are set (expected: one of them)");
        }
        if (file != null) {
            return Optional.of(read(Path.of(file), KEY_FILE_VARIABLE + "=" + file));
        }
        if (text != null) {
            return Optional.of(parse(text, KEY_VARIABLE));
        }
        return Optional.empty();
    }

    /** The keys in a key file, the first of them the one that encrypts. */
    public static StoreKeys read(Path file) {
        return read(file, file.toAbsolutePath().toString());
    }

    private static StoreKeys read(Path file, String source) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw unavailable("store keys: cannot read " + source + " (" + e + ")");
        }
        warnIfOthersCanRead(file, source);
        return parse(text, source);
    }

    /**
     * The keys in {@code file} if it exists; otherwise none yet, and {@code file} is made with a
     * new key (mode 0600) when the store has nothing encrypted under another key (an embedded
     * store's own key, in its private folder).
     */
    public static StoreKeys generatedIn(Path file) {
        if (Files.exists(file)) {
            StoreKeys existing = read(file);
            return new StoreKeys(existing.keys, existing.source, null);
        }
        return new StoreKeys(List.of(), file.toAbsolutePath() + " (not made yet)", file);
    }

    /**
     * Keys from text: one base64 key a line (or separated by spaces or commas), {@code #}
     * comments and blank lines ignored.
     *
     * @throws StoreException UNAVAILABLE naming the line of a malformed key (never its text)
     */
    public static StoreKeys parse(String text, String source) {
        List<Key> keys = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int line = 0; line < lines.length; line++) {
            String content = lines[line].replaceFirst("#.*", "").trim();
            for (String word : content.split("[\\s,]+")) {
                if (word.isEmpty()) {
                    continue;
                }
                byte[] bytes = decode(word);
                if (bytes == null || bytes.length != KEY_BYTES) {
                    throw unavailable("store keys: " + source + ", line " + (line + 1) + ": not a key (expected: " + KEY_BYTES
                            + " random bytes in base64, e.g. from `openssl rand -base64 32`)");
                }
                Key key = key(bytes);
                if (keys.stream().anyMatch(k -> k.id().equals(key.id()))) {
                    throw unavailable("store keys: " + source + ", line " + (line + 1) + ": key " + key.id() + " is there twice");
                }
                keys.add(key);
            }
        }
        if (keys.isEmpty()) {
            throw unavailable("store keys: " + source + " holds no key (expected: " + KEY_BYTES
                    + " random bytes in base64 a line, e.g. from `openssl rand -base64 32`)");
        }
        return new StoreKeys(keys, source, null);
    }

    /** A new key in base64, as a key file holds it. */
    public static String newKeyText() {
        byte[] bytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * These keys, made ready for a store: a key file still to be made is made now, unless the
     * store holds values encrypted under a key, which that new key could never read.
     */
    StoreKeys ready(boolean storeHoldsEncryptedValues) {
        if (generateAt == null || storeHoldsEncryptedValues) {
            return this;
        }
        try {
            write(generateAt, "# Encrypts the private keys in the store beside it (docs/OPERATIONS.md). Keep a copy apart from the"
                    + " store's backups.\n" + newKeyText() + "\n");
        } catch (FileAlreadyExistsException e) {
            // another process made it first: its key is the one to use
        } catch (IOException e) {
            throw unavailable("store keys: cannot make " + generateAt.toAbsolutePath() + " (" + e + ")");
        }
        StoreKeys made = read(generateAt);
        LOG.info("store: private keys are encrypted at rest with the key in {} (readable by its owner only; made now). Keep a copy"
                + " apart from the store's backups: without it they cannot be read. {} names another file", generateAt.toAbsolutePath(),
                KEY_FILE_VARIABLE);
        return made;
    }

    /** True when there is a key to encrypt with. */
    boolean configured() {
        return !keys.isEmpty();
    }

    /** The key that encrypts; call only when {@link #configured()}. */
    Key current() {
        return keys.get(0);
    }

    Optional<Key> byId(String id) {
        return keys.stream().filter(k -> k.id().equals(id)).findFirst();
    }

    /** The ids of the keys, the current one first. */
    public List<String> ids() {
        return keys.stream().map(Key::id).toList();
    }

    /** Where the keys came from: a variable or a file (never their value). */
    String source() {
        return source;
    }

    @Override
    public String toString() {
        return "StoreKeys[" + source + ", " + ids() + "]";
    }

    /**
     * A key's id: 8 hex digits of an HMAC of a fixed label under the key, so the id says which key
     * it is only to whoever holds the key.
     */
    private static Key key(byte[] bytes) {
        SecretKey secret = new SecretKeySpec(bytes, "AES");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(bytes, "HmacSHA256"));
            byte[] id = mac.doFinal("pier store key id".getBytes(StandardCharsets.US_ASCII));
            return new Key(HexFormat.of().formatHex(id, 0, 4), secret);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    private static byte[] decode(String word) {
        try {
            return Base64.getDecoder().decode(word);
        } catch (IllegalArgumentException e) {
            try {
                return Base64.getUrlDecoder().decode(word);
            } catch (IllegalArgumentException again) {
                return null;
            }
        }
    }

    private static void warnIfOthersCanRead(Path file, String source) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("store keys: {} can be read by other users ({}); `chmod 600` it", source, PosixFilePermissions.toString(permissions));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: its access lists are the operator's to set
        }
    }

    /**
     * Writes a new key file, mode 0600 from its first byte, whole or not at all: written beside it
     * and linked in, which fails if the file is there (another process made it first).
     */
    private static void write(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path partial = posix
                ? Files.createTempFile(dir, ".store-key", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, ".store-key", ".tmp");
        try {
            Files.writeString(partial, content, StandardCharsets.US_ASCII);
            try {
                Files.createLink(file, partial);
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
                // no hard links here: a move, which also refuses to replace a file that is there
                Files.move(partial, file);
            }
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static StoreException unavailable(String message) {
        return new StoreException(StoreException.Kind.UNAVAILABLE, message);
    }
}
