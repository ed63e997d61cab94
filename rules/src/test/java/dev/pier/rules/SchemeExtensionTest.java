package dev.pier.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a scheme adds to the language: its own functions, value expressions, the fields an expression reads. */
class SchemeExtensionTest {

    private static final Scheme SCHEME = Scheme.builder()
            .field("http.request.uri.path", Type.BYTES)
            .field("http.request.headers", Type.mapOf(Type.arrayOf(Type.BYTES)))
            .field("waf.inputs", Type.arrayOf(Type.BYTES))
            .function("shout", Type.BYTES, List.of(Type.BYTES), a -> ((String) a[0]).toUpperCase() + "!")
            .build();

    @Test
    void aSchemesOwnFunctionIsTypeCheckedAndAppliesToEachElement() {
        Context c = new Context(SCHEME).set("http.request.uri.path", "/chat").set("waf.inputs", List.of("a", "b"));
        assertThat(Expression.parse(SCHEME, "shout(http.request.uri.path) eq \"/CHAT!\"").matches(c)).isTrue();
        assertThat(Expression.parse(SCHEME, "any(shout(waf.inputs[*]) eq \"B!\")").matches(c)).isTrue();
        assertThatThrownBy(() -> Expression.parse(SCHEME, "shout(1) eq \"x\""))
                .isInstanceOf(RuleException.class).hasMessageContaining("argument 1 cannot be Int");
        assertThatThrownBy(() -> Expression.parse(StandardFields.requestScheme(), "shout(http.host) eq \"x\""))
                .hasMessageContaining("unknown function shout()");
    }

    @Test
    void aValueExpressionReturnsTheValueOrNullWhenMissing() {
        Expression header = Expression.parseValue(SCHEME, "http.request.headers[\"x-api-key\"][0]");
        Context c = new Context(SCHEME).set("http.request.headers", Map.of("x-api-key", List.of("k1")));
        assertThat(header.value(c)).isEqualTo("k1");
        assertThat(header.value(new Context(SCHEME).set("http.request.headers", Map.of()))).isNull();
        assertThatThrownBy(() -> Expression.parseValue(SCHEME, "http.request.uri.path eq \"/\""))
                .hasMessageContaining("expected the end of the value");
        assertThatThrownBy(() -> Expression.parseValue(SCHEME, "waf.inputs[*]"))
                .hasMessageContaining("expected one value");
    }

    @Test
    void trueAndFalseAreExpressions() {
        Context c = new Context(SCHEME);
        assertThat(Expression.parse(SCHEME, "true").matches(c)).isTrue();
        assertThat(Expression.parse(SCHEME, "false").matches(c)).isFalse();
        assertThat(Expression.parse(SCHEME, "not false and true").matches(c)).isTrue();
    }

    @Test
    void anExpressionNamesTheFieldsItReads() {
        Expression e = Expression.parse(SCHEME,
                "not (http.request.uri.path eq \"/\" or any(lower(waf.inputs[*]) contains \"x\")) and len(http.request.headers[\"a\"]) > 0");
        assertThat(e.fields()).containsExactly("http.request.headers", "http.request.uri.path", "waf.inputs");
    }
}
