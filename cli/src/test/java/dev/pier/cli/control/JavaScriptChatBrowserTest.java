package dev.pier.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.edge.support.Chromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat application of {@code examples/workers-js/chat} (a Wrangler project: rooms as Durable
 * Objects with hibernation and stored history, a rate limiter object per client IP, the page as a
 * text module) deployed with the real {@code wrangler deploy} to a node with its API, and used
 * from headless Chromium as people use it: two tabs in one room see each other's messages in the
 * order the room took them, a reload replays the history, a tab in another room sees nothing of
 * the first, and a flood is refused with the message the page shows. The last screen is kept in
 * {@code target/screenshots/js-chat.png}.
 */
class JavaScriptChatBrowserTest {

    static final Path PROJECT = Path.of("..", "examples", "workers-js", "chat");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final String RATE_LIMITED = "Your IP is being rate-limited, please try again later.";

    static Chromium chromium;

    @TempDir
    Path dir;
    TestControlPlane plane;
    WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        WranglerDeployTest.installWrangler();
        chromium = Chromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        chromium.close();
    }

    @BeforeEach
    void startNode() throws Exception {
        plane = TestControlPlane.withDurableObjects(dir);
        wait = chromium.waiting();
    }

    @AfterEach
    void stopNode() {
        plane.close();
    }

    @Test
    void twoTabsChatInOneRoomAReloadReplaysItAnotherRoomSeesNothingAndAFloodIsRefused() throws Exception {
        deploy();
        String page = "http://127.0.0.1:" + plane.edge.listenerAddress(0).getPort() + "/js-chat/";
        WebDriver driver = chromium.driver();

        String ada = driver.getWindowHandle();
        join(page + "#lobby", "ada");
        String bob = driver.switchTo().newWindow(WindowType.TAB).getWindowHandle();
        join(page + "#lobby", "bob");
        assertThat(roster()).containsExactly("ada", "bob");

        // each message reaches both tabs before the next is sent
        List<String> expected = new ArrayList<>();
        String[][] conversation = {{ada, "ada", "hello from ada"}, {bob, "bob", "hi ada"}, {ada, "ada", "how are you?"},
                {bob, "bob", "fine, and you?"}};
        for (String[] line : conversation) {
            switchTo(line[0]);
            say(line[2]);
            expected.add(line[1] + ": " + line[2]);
            awaitMessages(ada, expected);
            awaitMessages(bob, expected);
        }
        // three at once from one tab arrive in both in the order sent
        switchTo(bob);
        for (String text : List.of("one", "two", "three")) {
            say(text);
            expected.add("bob: " + text);
        }
        awaitMessages(ada, expected);
        awaitMessages(bob, expected);

        // a reload rejoins the room (the room is the #hash, the name kept by the tab) and replays the history
        switchTo(bob);
        driver.navigate().refresh();
        awaitReady();
        assertThat(messages()).isEqualTo(expected);
        switchTo(ada);
        assertThat(messages()).as("ada saw nothing twice").isEqualTo(expected);

        // a third tab in another room sees nothing of the lobby, and the lobby nothing of it
        String cy = driver.switchTo().newWindow(WindowType.TAB).getWindowHandle();
        join(page + "#kitchen", "cy");
        assertThat(messages()).isEmpty();
        assertThat(roster()).containsExactly("cy");
        say("anyone here?");
        awaitMessages(cy, List.of("cy: anyone here?"));
        switchTo(ada);
        say("still here");
        expected.add("ada: still here");
        awaitMessages(ada, expected);
        awaitMessages(bob, expected);
        switchTo(cy);
        assertThat(messages()).containsExactly("cy: anyone here?");
        assertThat(roster()).containsExactly("cy");

        // a flood from ada's address: the limiter (one per IP, shared by the rooms) refuses most of
        // it, the page says so, and what it refused reaches nobody
        switchTo(ada);
        int flood = 30;
        chromium.driver().executeScript("""
                const input = document.getElementById("message");
                for (let i = 0; i < arguments[0]; i++) {
                  input.value = "flood " + i;
                  document.getElementById("chat-form").requestSubmit();
                }
                """, flood);
        // every flood message comes back to ada as her own message or as the error
        wait.until(d -> floodMessages().size() + errors().size() == flood);
        List<String> accepted = floodMessages();
        List<String> errors = errors();
        assertThat(errors).as("refused").isNotEmpty().allMatch(RATE_LIMITED::equals);
        assertThat(accepted).as("a burst passes before the limit").isNotEmpty();
        assertThat(accepted).as("in the order sent").isSortedAccordingTo((a, b) -> Integer.compare(number(a), number(b)));
        screenshot("js-chat");
        switchTo(bob);
        wait.until(d -> floodMessages().size() == accepted.size());
        assertThat(floodMessages()).isEqualTo(accepted);
        assertThat(errors()).as("only the sender is told").isEmpty();
        switchTo(cy);
        say("and me?");
        wait.until(d -> !errors().isEmpty()); // the same address is limited in every room
        assertThat(messages()).containsExactly("cy: anyone here?");
    }

    /** Deploys the example with {@code wrangler deploy}, its route moved from the zone localhost to the test's 127.0.0.1. */
    void deploy() throws Exception {
        Path project = dir.resolve("chat");
        try (Stream<Path> files = Files.walk(PROJECT)) {
            for (Path f : files.filter(f -> !f.toString().contains(".wrangler")).toList()) {
                Path to = project.resolve(PROJECT.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        Path toml = project.resolve("wrangler.toml");
        String original = Files.readString(toml);
        String moved = original.replace("{ pattern = \"localhost/js-chat*\", zone_name = \"localhost\" }",
                "{ pattern = \"127.0.0.1/js-chat*\", zone_name = \"127.0.0.1\" }");
        assertThat(moved).as("the example's route").isNotEqualTo(original);
        Files.writeString(toml, moved);

        NodeProject.run(WranglerDeployTest.command(project, plane, dir, "deploy").redirectErrorStream(true), 120);
        long deployed = System.nanoTime();
        // the first JavaScript deploy of the process starts GraalJS (interpreted in tests): allow it more than the API's second
        TestControlPlane.awaitWithin(Duration.ofSeconds(15), deployed, () -> plane.get("/js-chat/").body().contains("<title>Chat</title>"));
    }

    void join(String url, String name) {
        chromium.open(url);
        wait.until(d -> d.findElement(By.id("name")).isDisplayed());
        var field = chromium.driver().findElement(By.id("name"));
        field.clear();
        field.sendKeys(name, Keys.ENTER);
        awaitReady();
    }

    void awaitReady() {
        wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
    }

    void say(String text) {
        chromium.driver().findElement(By.id("message")).sendKeys(text, Keys.ENTER);
    }

    void switchTo(String tab) {
        chromium.driver().switchTo().window(tab);
    }

    void awaitMessages(String tab, List<String> expected) {
        switchTo(tab);
        wait.until(d -> messages().size() >= expected.size());
        assertThat(messages()).isEqualTo(expected);
    }

    List<String> messages() {
        return texts("#log p.message");
    }

    List<String> errors() {
        return texts("#log p.error");
    }

    List<String> roster() {
        return texts("#roster li");
    }

    List<String> floodMessages() {
        return messages().stream().filter(m -> m.startsWith("ada: flood ")).toList();
    }

    static int number(String floodMessage) {
        return Integer.parseInt(floodMessage.substring("ada: flood ".length()));
    }

    @SuppressWarnings("unchecked")
    List<String> texts(String css) {
        return (List<String>) chromium.driver().executeScript(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", css);
    }

    static void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"), chromium.driver().getScreenshotAs(OutputType.BYTES));
    }
}
