package dev.pier.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Where the keys that encrypt private keys at rest come from, and how a malformed one is reported (never shown). */
class StoreKeysTest {

    @TempDir
    Path dir;

    @Test
    void aKeyFileHoldsOneKeyALineTheFirstEncryptsAndCommentsAreIgnored() {
        String first = StoreKeys.newKeyText();
        String second = StoreKeys.newKeyText();
        StoreKeys keys = StoreKeys.parse("# rotated 2026-12\n" + first + "\n\n" + second + "   # the old one\n", "test");
        assertThat(keys.ids()).hasSize(2).allSatisfy(id -> assertThat(id).matches("[0-9a-f]{8}"));
        assertThat(keys.current().id()).isEqualTo(keys.ids().get(0));
        assertThat(StoreKeys.parse(first, "again").ids()).as("an id depends on the key alone").containsExactly(keys.ids().get(0));
        assertThat(StoreKeys.parse(first + "," + second, "PIER_STORE_KEY").ids()).as("commas, for one line in a variable")
                .isEqualTo(keys.ids());
        assertThat(keys.toString()).doesNotContain(first).doesNotContain(second).contains(keys.ids().get(0));
        assertThat(keys.byId(keys.ids().get(1))).isPresent();
        assertThat(keys.byId("00000000")).isEmpty();
    }

    @Test
    void aMalformedKeyIsReportedByLineWithoutItsText() {
        String good = StoreKeys.newKeyText();
        String shortKey = java.util.Base64.getEncoder().encodeToString(new byte[16]);
        for (String bad : new String[] {shortKey, "not base64 at all!", good + "AAAA"}) {
            assertThatThrownBy(() -> StoreKeys.parse(good + "\n" + bad + "\n", "/etc/pier/store.key"))
                    .isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("store keys: /etc/pier/store.key, line 2: not a key (expected: 32 random bytes in base64, e.g."
                            + " from `openssl rand -base64 32`)")
                    .message().doesNotContain(good).doesNotContain(bad);
        }
        assertThatThrownBy(() -> StoreKeys.parse(good + "\n" + good, "k")).hasMessage("store keys: k, line 2: key "
                + StoreKeys.parse(good, "k").ids().get(0) + " is there twice");
        assertThatThrownBy(() -> StoreKeys.parse("# nothing yet\n", "k")).hasMessage("store keys: k holds no key (expected: 32 random bytes in"
                + " base64 a line, e.g. from `openssl rand -base64 32`)");
    }

    @Test
    void theEnvironmentNamesAFileOrHoldsTheKeysButNotBoth() throws Exception {
        String key = StoreKeys.newKeyText();
        Path file = Files.writeString(dir.resolve("store.key"), key + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        String id = StoreKeys.parse(key, "k").ids().get(0);
        assertThat(StoreKeys.fromEnvironment(Map.of("PIER_STORE_KEY_FILE", file.toString())).orElseThrow().ids()).containsExactly(id);
        assertThat(StoreKeys.fromEnvironment(Map.of("PIER_STORE_KEY", key)).orElseThrow().ids()).containsExactly(id);
        assertThat(StoreKeys.fromEnvironment(Map.of("PIER_STORE_KEY", " "))).isEmpty();
        assertThat(StoreKeys.fromEnvironment(Map.of())).isEmpty();
        assertThatThrownBy(() -> StoreKeys.fromEnvironment(Map.of("PIER_STORE_KEY_FILE", file.toString(), "PIER_STORE_KEY", key)))
                .hasMessage("store keys: both PIER_STORE_KEY_FILE and PIER_STORE_KEY are set (expected: one of them)");
        assertThatThrownBy(() -> StoreKeys.fromEnvironment(Map.of("PIER_STORE_KEY_FILE", dir.resolve("missing").toString())))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("store keys: cannot read PIER_STORE_KEY_FILE=" + dir.resolve("missing") + " (");
    }

    @Test
    void aKeyFileOthersCanReadIsUsedWithAWarning() throws Exception {
        Path file = Files.writeString(dir.resolve("store.key"), StoreKeys.newKeyText() + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Logger log = (Logger) LoggerFactory.getLogger(StoreKeys.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try {
            assertThat(StoreKeys.read(file).configured()).isTrue();
        } finally {
            log.detachAppender(logged);
        }
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("store keys: " + file.toAbsolutePath() + " can be read by other users (rw-r--r--); `chmod 600` it");
    }

    @Test
    void anEmbeddedStoresOwnKeyIsMadeOwnerOnlyAndOnlyWhenNothingIsEncryptedUnderAnother() throws Exception {
        Path file = dir.resolve("store.key");
        StoreKeys pending = StoreKeys.generatedIn(file);
        assertThat(pending.configured()).isFalse();
        assertThat(Files.exists(file)).isFalse();

        assertThat(pending.ready(true).configured()).as("the store holds values under a key it has not got: a new key cannot help")
                .isFalse();
        assertThat(Files.exists(file)).isFalse();

        StoreKeys made = pending.ready(false);
        assertThat(made.configured()).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readAllLines(file)).hasSize(2).first().asString().startsWith("# ");
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).as("nothing left beside it").containsExactly(file);
        }
        assertThat(StoreKeys.generatedIn(file).ids()).as("read, not made again").isEqualTo(made.ids());
        assertThat(pending.ready(false).ids()).as("made by another process meanwhile: that one is used").isEqualTo(made.ids());
    }
}
