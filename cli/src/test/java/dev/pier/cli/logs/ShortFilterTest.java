package dev.pier.cli.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShortFilterTest {

    @Test
    void conditionsJoinedByAndBecomeCloudflaresJsonFilter() {
        assertThat(ShortFilter.toJson("EdgeResponseStatus eq 403 and ClientRequestPath startsWith /api")).isEqualTo(
                "{\"where\":{\"and\":[{\"key\":\"EdgeResponseStatus\",\"operator\":\"eq\",\"value\":403},"
                        + "{\"key\":\"ClientRequestPath\",\"operator\":\"startsWith\",\"value\":\"/api\"}]}}");
    }

    @Test
    void quotedValuesListsAndOr() {
        assertThat(ShortFilter.toJson("ClientRequestUserAgent contains \"curl 8\" or EdgeResponseStatus in 200,201")).isEqualTo(
                "{\"where\":{\"or\":[{\"key\":\"ClientRequestUserAgent\",\"operator\":\"contains\",\"value\":\"curl 8\"},"
                        + "{\"key\":\"EdgeResponseStatus\",\"operator\":\"in\",\"value\":[200,201]}]}}");
    }

    @Test
    void jsonPassesAsItIs() {
        String json = "{\"where\":{\"key\":\"ClientIP\",\"operator\":\"eq\",\"value\":\"10.0.0.1\"}}";
        assertThat(ShortFilter.toJson(json)).isEqualTo(json);
    }

    @Test
    void badFormsSayWhatWasExpected() {
        assertThatThrownBy(() -> ShortFilter.toJson("EdgeResponseStatus is 403")).hasMessageContaining("operator: is (expected: one of eq");
        assertThatThrownBy(() -> ShortFilter.toJson("EdgeResponseStatus eq")).hasMessageContaining("expected: KEY OPERATOR VALUE");
        assertThatThrownBy(() -> ShortFilter.toJson("A eq 1 and B eq 2 or C eq 3")).hasMessageContaining("to mix 'and' and 'or'");
    }
}
