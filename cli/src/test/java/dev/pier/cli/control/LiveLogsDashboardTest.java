package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;

import dev.pier.edge.support.Chromium;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The zone's Logs tab in headless Chromium: started with a filter, it shows the records of
 * requests made through the edge that pass it, as they are made; paused, it shows no more;
 * cleared, none.
 */
class LiveLogsDashboardTest extends DashboardBrowserTest {


    @TempDir
    Path dir;
    TestControlPlane plane;

    @BeforeEach
    void start() throws Exception {
        plane = new TestControlPlane(dir);
    }

    @AfterEach
    void stop() {
        plane.close();
    }

    @Test
    void recordsAppearAsRequestsAreMade() {
        signIn(plane);
        clickable("#tab-logs").click();
        clickable("#logs-filter").sendKeys("ClientRequestPath startsWith /shown");
        clickable("#logs-start").click();
        wait.until(textToBe(By.id("logs-state"), "Streaming"));

        plane.get("/shown/1");
        plane.get("/hidden");
        plane.get("/shown/2");
        wait.until(driver -> paths().size() == 2);
        assertThat(paths()).containsExactly("/shown/2", "/shown/1"); // newest first

        clickable("#logs-pause").click();
        plane.get("/shown/while-paused");
        clickable("#logs-clear").click();
        assertThat(paths()).isEmpty();
        clickable("#logs-pause").click(); // resume
        plane.get("/shown/3");
        wait.until(driver -> paths().equals(List.of("/shown/3")));
    }

    private List<String> paths() {
        return chromium.driver().findElements(By.cssSelector("#logs tr.record td:nth-child(5)")).stream().map(WebElement::getText).toList();
    }
}
