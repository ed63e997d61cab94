package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.Chromium;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser (headless Chromium from Debian's packages): sign in with a
 * token, flip the WebSockets toggle and watch the edge refuse and then accept an upgrade, type
 * a custom rule (its parse error shows as you type), deploy it and watch it block.
 */
class DashboardTest {

    static Chromium chromium;

    @TempDir
    Path dir;
    TestControlPlane plane;

    @BeforeAll
    static void startBrowser() throws Exception {
        chromium = Chromium.start();
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        chromium.close();
    }

    @BeforeEach
    void start() throws Exception {
        plane = new TestControlPlane(dir);
    }

    @AfterEach
    void stop() {
        plane.close();
    }

    /** Runs a script in the page once {@code selector} is there (the pages render after their API calls). */
    String when(String selector, String script) throws Exception {
        return chromium.runAsync("""
                const done = arguments[arguments.length - 1];
                const started = Date.now();
                (function wait() {
                  const el = document.querySelector(%s);
                  if (el) { try { done(String((function (el) { %s })(el))); } catch (e) { done("error: " + e); } return; }
                  if (Date.now() - started > 10000) { done("missing: " + %s); return; }
                  setTimeout(wait, 50);
                })();
                """.formatted(js(selector), script, js(selector))).asText();
    }

    static String js(String s) {
        return "'" + s.replace("\\\\", "\\\\\\\\").replace("'", "\\\\'") + "'";
    }

    void awaitWithinASecond(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            Thread.sleep(20);
        }
    }

    @Test
    void signInFlipWebsocketsAndDeployARule() throws Exception {
        String base = "http://127.0.0.1:" + plane.adminPort() + "/dashboard/";
        chromium.open(base);
        assertThat(when("#token", "el.value = 'wrong-token-wrong-token-wrong-token-0000'; document.querySelector('#signin').click(); return 'ok';"))
                .isEqualTo("ok");
        assertThat(when("#signin-error:not(:empty)", "return el.textContent;")).isEqualTo("Authentication error");
        when("#token", "el.value = " + js(plane.token) + "; document.querySelector('#signin').click(); return 'ok';");
        assertThat(when("#zones a[data-zone]", "return el.textContent;")).isEqualTo("127.0.0.1");

        chromium.open(base + "#/zone/" + plane.zoneId + "/network");
        assertThat(when("#websockets", "return el.checked;")).isEqualTo("true");
        assertThat(plane.upgradeRefused()).isFalse();
        when("#websockets", "el.click(); return 'clicked';");
        awaitWithinASecond(plane::upgradeRefused);
        when("#websockets", "el.click(); return 'clicked';");
        awaitWithinASecond(() -> !plane.upgradeRefused());

        chromium.open(base + "#/zone/" + plane.zoneId + "/security");
        when("#rule-expression", "el.value = 'http.request.uri.paht eq \"/\"'; el.dispatchEvent(new Event('input')); return 'typed';");
        assertThat(when("#rule-error:not(:empty)", "return el.textContent;")).contains("unknown field http.request.uri.paht");
        when("#rule-expression", "el.value = 'http.request.uri.path eq \"/\"'; el.dispatchEvent(new Event('input')); return 'typed';");
        assertThat(when("#rule-error .ok", "return el.textContent;")).isEqualTo("valid");
        when("#rule-add", "el.click(); return 'clicked';");
        assertThat(when("#rules tr:nth-child(2) code", "return el.textContent;")).isEqualTo("http.request.uri.path eq \"/\"");
        awaitWithinASecond(plane::upgradeRefused);
    }
}
