package dev.pier.control.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The dashboard serves its files and nothing else; the browser tests (cli's DashboardTest) drive the pages. */
class DashboardFilesTest {

    private final Dashboard dashboard = new Dashboard();

    @Test
    void servesItsFilesWithAPolicyThatLoadsNothingElse() {
        Dashboard.Answer index = dashboard.serve("GET", "/dashboard/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(new String(index.body(), StandardCharsets.UTF_8)).contains("app.js");
        assertThat(index.headers()).containsEntry("X-Content-Type-Options", "nosniff")
                .hasEntrySatisfying("Content-Security-Policy", csp -> assertThat(csp).contains("default-src 'self'", "frame-ancestors 'none'"));
        assertThat(dashboard.serve("GET", "/dashboard/app.js").contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(dashboard.serve("GET", "/dashboard/app.css").contentType()).isEqualTo("text/css; charset=utf-8");
        assertThat(dashboard.serve("GET", "/dashboard/analytics.js").contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(dashboard.serve("GET", "/dashboard/uPlot.min.css").contentType()).isEqualTo("text/css; charset=utf-8");
    }

    @Test
    void theChartingLibraryIsServedWithItsVersionAndLicense() {
        Dashboard.Answer library = dashboard.serve("GET", "/dashboard/uPlot.iife.min.js");
        assertThat(library.status()).isEqualTo(200);
        assertThat(new String(library.body(), StandardCharsets.UTF_8)).startsWith("/*! https://github.com/leeoniya/uPlot (v1.6.32) */");
        assertThat(new String(dashboard.serve("GET", "/dashboard/uPlot.LICENSE.txt").body(), StandardCharsets.UTF_8))
                .contains("The MIT License", "Leon Sorokin");
        String page = new String(dashboard.serve("GET", "/dashboard/").body(), StandardCharsets.UTF_8);
        assertThat(page).contains("uPlot.iife.min.js", "uPlot.min.css", "analytics.js");
    }

    @Test
    void withoutTheSlashItRedirectsSoThePageFindsItsFiles() {
        Dashboard.Answer answer = dashboard.serve("GET", "/dashboard");
        assertThat(answer.status()).isEqualTo(301);
        assertThat(answer.headers()).containsEntry("Location", "/dashboard/");
    }

    @Test
    void anythingElseIsNotFound() {
        for (String path : new String[] {"/dashboard/../control/api/openapi.json", "/dashboard/Dashboard.class", "/dashboard/x",
                "/dashboard/package-info.java", "/dashboard//app.js"}) {
            assertThat(dashboard.serve("GET", path).status()).as(path).isEqualTo(404);
        }
        assertThat(dashboard.serve("POST", "/dashboard/").status()).isEqualTo(404);
    }
}
