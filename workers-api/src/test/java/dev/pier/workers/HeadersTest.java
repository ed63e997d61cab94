package dev.pier.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeadersTest {

    @Test
    void namesAreCaseInsensitiveAndRepeatedValuesJoin() {
        Headers h = Headers.of("Accept", "text/html", "accept", "application/json", "Set-Cookie", "a=1", "set-cookie", "b=2");
        assertThat(h.get("ACCEPT")).isEqualTo("text/html, application/json");
        assertThat(h.getSetCookie()).containsExactly("a=1", "b=2");
        assertThat(h.has("accept")).isTrue();
        h.set("accept", "*/*");
        assertThat(h.get("Accept")).isEqualTo("*/*");
        h.delete("Accept");
        assertThat(h.get("accept")).isNull();
        assertThat(h.entries()).extracting(e -> e.getKey()).containsExactly("set-cookie", "set-cookie");
    }

    @Test
    void aValueCannotCarryAnotherHeader() {
        assertThatThrownBy(() -> new Headers().set("x", "a\r\nEvil: 1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("x: a value with CR, LF or NUL (expected: one line)");
        assertThatThrownBy(() -> new Headers().set("bad name", "v")).hasMessage("name: bad name (expected: an HTTP token)");
    }
}
