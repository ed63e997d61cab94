package dev.pier.cli.control;

import static org.openqa.selenium.support.ui.ExpectedConditions.elementToBeClickable;

import dev.pier.edge.support.Chromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the dashboard's browser tests share: one headless Chromium per test class (Debian's, driven
 * by Selenium), waits for what a person would wait for, and signing in as a person does.
 */
abstract class DashboardBrowserTest {

    static Chromium chromium;
    WebDriverWait wait;

    @BeforeAll
    static void startBrowser() throws Exception {
        chromium = Chromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        chromium.close();
    }

    @BeforeEach
    void freshWait() {
        wait = chromium.waiting();
    }

    WebElement clickable(String css) {
        return wait.until(elementToBeClickable(By.cssSelector(css)));
    }

    void type(String css, String text) {
        WebElement field = clickable(css);
        field.clear();
        field.sendKeys(text);
    }

    /** Opens the dashboard of {@code plane} with no session left from a test before, signs in with its token and opens its zone. */
    void signIn(TestControlPlane plane) {
        chromium.open("http://127.0.0.1:" + plane.adminPort() + "/dashboard/");
        ((JavascriptExecutor) chromium.driver()).executeScript("sessionStorage.clear()");
        chromium.open("http://127.0.0.1:" + plane.adminPort() + "/dashboard/#/");
        type("#token", plane.token);
        clickable("#signin").click();
        clickable("#zones a[data-zone]").click();
    }
}
