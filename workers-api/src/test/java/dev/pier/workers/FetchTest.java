package dev.pier.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The global fetch as Worker code calls it: it goes to the host installed last, and says so when there is none. */
class FetchTest {

    @Test
    void withoutAHostAFetchSaysWhatIsMissing() {
        assertThatThrownBy(() -> Fetch.fetch("http://example.com/")).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("fetch(GET http://example.com/): no host makes subrequests in this JVM");
    }

    @Test
    void aFetchGoesToTheHostInstalledLastUntilItIsUninstalled() {
        List<String> seen = new ArrayList<>();
        Fetch.Host first = (request, redirect) -> {
            seen.add("first " + request + " " + redirect);
            return CompletableFuture.completedFuture(new Response("first"));
        };
        Fetch.Host second = (request, redirect) -> {
            seen.add("second " + request + " " + redirect);
            return CompletableFuture.completedFuture(new Response("second"));
        };
        Fetch.Host.install(first);
        Fetch.Host.install(second);
        try {
            assertThat(Fetch.fetch("http://a/").toCompletableFuture().join().text()).isEqualTo("second");
            Fetch.Host.uninstall(second);
            assertThat(Fetch.fetch(Request.get("http://b/"), Fetch.Redirect.MANUAL).toCompletableFuture().join().text())
                    .isEqualTo("first");
        } finally {
            Fetch.Host.uninstall(first);
            Fetch.Host.uninstall(second);
        }
        assertThat(seen).containsExactly("second GET http://a/ FOLLOW", "first GET http://b/ MANUAL");
        assertThatThrownBy(() -> Fetch.fetch("http://c/")).isInstanceOf(IllegalStateException.class);
    }
}
