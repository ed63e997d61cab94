package dev.pier.edge.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WebSocketAcceptTest {

    @Test
    void answersTheKeyOfRfc6455sExample() {
        assertThat(WebSocketAccept.of("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    /** The digest a thread keeps starts afresh for each key: nothing of the one before leaks into the next answer. */
    @Test
    void answersKeyAfterKeyOnOneThreadAsOnAFreshOne() throws Exception {
        String first = WebSocketAccept.of("AQIDBAUGBwgJCgsMDQ4PEA==");
        assertThat(WebSocketAccept.of("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(WebSocketAccept.of("AQIDBAUGBwgJCgsMDQ4PEA==")).isEqualTo(first);
        String elsewhere = CompletableFuture.supplyAsync(() -> WebSocketAccept.of("AQIDBAUGBwgJCgsMDQ4PEA==")).get();
        assertThat(elsewhere).isEqualTo(first).isNotEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
