package dev.pier.cli.control;

import static dev.pier.cli.control.TestControlPlane.awaitWithin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;

import dev.pier.config.Certificates;
import dev.pier.control.store.StoredCertificate;
import dev.pier.control.store.StoredDnsRecord;
import dev.pier.edge.support.Chromium;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real browser (Selenium driving headless Chromium from Debian's packages),
 * used the way a person uses it: type a token and sign in, click through to the zone, flip the
 * WebSockets toggle and watch the edge refuse and then accept an upgrade, type a custom rule
 * (its parse error shows as you type), deploy it and watch it block; add a DNS record, pick a
 * minimum TLS version and upload an edge certificate, and find them in the store.
 */
class DashboardTest extends DashboardBrowserTest {


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

    void signIn() {
        signIn(plane);
    }

    @Test
    void aWrongTokenIsRefusedWithCloudflaresMessage() {
        chromium.open("http://127.0.0.1:" + plane.adminPort() + "/dashboard/");
        type("#token", "wrong-token-wrong-token-wrong-token-0000");
        clickable("#signin").click();
        wait.until(textToBe(By.id("signin-error"), "Authentication error"));
        assertThat(chromium.driver().findElements(By.cssSelector("#zones"))).isEmpty();
    }

    @Test
    void signInFlipWebsocketsAndDeployARule() throws Exception {
        signIn();
        assertThat(clickable("#tab-overview").getAttribute("class")).isEqualTo("active");
        assertThat(chromium.driver().findElement(By.tagName("h2")).getText()).isEqualTo("127.0.0.1");

        clickable("#tab-network").click();
        WebElement toggle = clickable("#websockets");
        assertThat(toggle.isSelected()).isTrue();
        assertThat(plane.upgradeRefused()).isFalse();
        toggle.click();
        awaitWithin(Duration.ofSeconds(5), System.nanoTime(), plane::upgradeRefused);
        toggle.click();
        awaitWithin(Duration.ofSeconds(5), System.nanoTime(), () -> !plane.upgradeRefused());

        clickable("#tab-security").click();
        type("#rule-expression", "http.request.uri.paht eq \"/\"");
        wait.until(textToBePresentInElementLocated(By.id("rule-error"), "unknown field http.request.uri.paht"));
        type("#rule-expression", "http.request.uri.path eq \"/\"");
        wait.until(presenceOfElementLocated(By.cssSelector("#rule-error .ok")));
        assertThat(chromium.driver().findElement(By.id("rule-error")).getText()).isEqualTo("valid");
        type("#rule-description", "no root");
        clickable("#rule-add").click();
        wait.until(textToBe(By.cssSelector("#rules tr:nth-child(2) code"), "http.request.uri.path eq \"/\""));
        awaitWithin(Duration.ofSeconds(5), System.nanoTime(), plane::upgradeRefused);
    }

    @Test
    void dnsRecordsTlsSettingsAndCertificatesAreSavedFromTheirPages() {
        signIn();
        clickable("#tab-dns").click();
        new Select(clickable("#dns-type")).selectByVisibleText("CNAME");
        type("#dns-name", "chat");
        type("#dns-content", "origin.example.net");
        clickable("#dns-add").click();
        wait.until(textToBePresentInElementLocated(By.id("records"), "origin.example.net"));
        assertThat(plane.control.store().dnsRecords(plane.zoneId)).extracting(StoredDnsRecord::type, StoredDnsRecord::content)
                .contains(org.assertj.core.groups.Tuple.tuple("CNAME", "origin.example.net"));

        clickable("#tab-ssl").click();
        new Select(clickable("#min-tls")).selectByVisibleText("1.3");
        wait.until(driver -> plane.control.store().settings(plane.zoneId).containsKey("min_tls_version") // the default is no row
                && "\"1.3\"".equals(plane.control.store().settings(plane.zoneId).get("min_tls_version").jsonValue()));
        type("#origin-ca", "not a certificate");
        clickable("#origin-ca-save").click();
        wait.until(textToBePresentInElementLocated(By.id("origin-ca-error"), "Invalid value for zone setting origin_ca"));
        String ca = Certificates.selfSigned("ca.example").certificatePem();
        type("#origin-ca", ca);
        clickable("#origin-ca-save").click();
        wait.until(driver -> plane.control.store().settings(plane.zoneId).containsKey("origin_ca")
                && plane.control.store().settings(plane.zoneId).get("origin_ca").jsonValue().contains("BEGIN CERTIFICATE"));

        // HSTS (security_header), off by default: a bad max age is the API's message on the page, a good one is stored
        assertThat(clickable("#hsts-enabled").isSelected()).isFalse();
        clickable("#hsts-enabled").click();
        clickable("#hsts-nosniff").click();
        type("#hsts-max-age", "99999999999");
        clickable("#hsts-save").click();
        wait.until(textToBePresentInElementLocated(By.id("hsts-error"), "Invalid value for zone setting security_header"));
        assertThat(plane.control.store().settings(plane.zoneId)).doesNotContainKey("security_header");
        type("#hsts-max-age", "31536000");
        clickable("#hsts-save").click();
        wait.until(driver -> plane.control.store().settings(plane.zoneId).containsKey("security_header"));
        assertThat(dev.pier.control.StoredZones.load(plane.control.store()).stream().filter(z -> z.settings().securityHeader().enabled())
                .findFirst().orElseThrow().settings().securityHeader())
                .isEqualTo(new dev.pier.config.SecurityHeader(true, 31_536_000, false, false, true));

        // an edge certificate, on a zone with DNS names: a key that does not match is refused on
        // the page, the right one is listed
        String zoneId = plane.control.store().createZone("example.com", "test").id();
        chromium.open("http://127.0.0.1:" + plane.adminPort() + "/dashboard/#/zone/" + zoneId + "/ssl");
        // only the hash changed: the first zone's page stays until the new one is drawn, and its fields would go stale under the typing
        wait.until(textToBe(By.cssSelector("main h2"), "example.com"));
        Certificates.SelfSigned pem = Certificates.selfSigned("chat.example.com");
        type("#certificate-pem", pem.certificatePem());
        type("#private-key-pem", Certificates.selfSigned("chat.example.com").keyPem());
        clickable("#certificate-add").click();
        wait.until(textToBe(By.id("certificate-error"),
                "The certificate and private key pair you uploaded is invalid. (private_key: the private key does not match the certificate)"));
        assertThat(plane.control.store().certificates(zoneId)).isEmpty();
        type("#private-key-pem", pem.keyPem());
        clickable("#certificate-add").click();
        wait.until(textToBePresentInElementLocated(By.id("certificates"), "chat.example.com"));
        assertThat(plane.control.store().certificates(zoneId)).extracting(StoredCertificate::certificatePem)
                .containsExactly(pem.certificatePem());
        clickable("#certificates button[data-certificate]").click();
        wait.until(driver -> plane.control.store().certificates(zoneId).isEmpty());
    }

    /** A call to the API on the admin listener, with the test's token. */
    HttpResponse<String> api(String method, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plane.adminPort() + path))
                .header("Authorization", "Bearer " + plane.token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String stored(String phase) {
        return plane.control.store().ruleset(plane.zoneId, phase).orElseThrow().json();
    }

    @Test
    void rulesAddedThroughTheApiSurviveTheDashboardsDeployAndManagedSave() throws Exception {
        String zone = "/client/v4/zones/" + plane.zoneId;
        assertThat(api("PUT", zone + "/rulesets/phases/http_request_firewall_custom/entrypoint",
                "{\"rules\": [{\"description\": \"from the API\", \"expression\": \"ip.src eq 192.0.2.1\", \"action\": \"block\"}]}")
                .statusCode()).isEqualTo(200);
        assertThat(api("PUT", zone + "/rulesets/phases/http_request_firewall_managed/entrypoint",
                "{\"rules\": [{\"description\": \"api probe log\", \"expression\": \"http.request.uri.path eq \\\"/probe\\\"\", \"action\": \"log\"}]}")
                .statusCode()).isEqualTo(200);
        signIn();
        clickable("#tab-security").click();
        // as a person does, wait for the page to show the zone's rules before adding one
        wait.until(textToBePresentInElementLocated(By.id("rules"), "ip.src eq 192.0.2.1"));
        type("#rule-expression", "http.request.uri.path eq \"/\"");
        type("#rule-description", "no root");
        clickable("#rule-add").click();
        wait.until(textToBePresentInElementLocated(By.id("rules"), "http.request.uri.path eq \"/\""));
        assertThat(stored("http_request_firewall_custom")).contains("from the API", "no root");

        WebElement managed = clickable("#managed");
        assertThat(managed.isSelected()).isFalse();
        managed.click();
        clickable("#managed-save").click();
        wait.until(driver -> stored("http_request_firewall_managed").contains("4814384a9e5d4991b9815dcfc25d2f1f"));
        assertThat(stored("http_request_firewall_managed")).contains("api probe log");
        // saving again changes the dashboard's rule in place, still beside the API's
        new Select(clickable("#threshold")).selectByValue("25");
        clickable("#managed-save").click();
        wait.until(driver -> stored("http_request_firewall_managed").contains("\"score_threshold\":25"));
        assertThat(stored("http_request_firewall_managed")).contains("api probe log");
        assertThat(stored("http_request_firewall_managed").split("4814384a9e5d4991b9815dcfc25d2f1f", -1)).hasSize(2);
        // turned off: only the dashboard's rule goes
        clickable("#managed").click();
        clickable("#managed-save").click();
        wait.until(driver -> !stored("http_request_firewall_managed").contains("4814384a9e5d4991b9815dcfc25d2f1f"));
        assertThat(stored("http_request_firewall_managed")).contains("api probe log");

        // a failing read of an entry point (here a 503) is shown, never taken for "no rules yet"
        int customVersion = plane.control.store().ruleset(plane.zoneId, "http_request_firewall_custom").orElseThrow().version();
        int managedVersion = plane.control.store().ruleset(plane.zoneId, "http_request_firewall_managed").orElseThrow().version();
        ((org.openqa.selenium.JavascriptExecutor) chromium.driver()).executeScript("""
                const real = window.fetch;
                window.fetch = (url, init) => url.endsWith("/entrypoint") && init.method === "GET"
                  ? Promise.resolve(new Response('{"success":false,"errors":[{"code":10000,"message":"upstream unavailable"}]}',
                      { status: 503, headers: { "Content-Type": "application/json" } }))
                  : real(url, init);""");
        type("#rule-description", "during an outage");
        clickable("#rule-add").click();
        wait.until(textToBePresentInElementLocated(By.id("rule-error"), "upstream unavailable"));
        clickable("#managed").click();
        clickable("#managed-save").click();
        wait.until(textToBePresentInElementLocated(By.id("managed-error"), "upstream unavailable"));
        clickable("#tab-network").click();
        clickable("#tab-network.active"); // the page was drawn again: the tabs are new elements
        clickable("#tab-security").click();
        wait.until(textToBePresentInElementLocated(By.id("main"), "upstream unavailable"));
        assertThat(chromium.driver().findElements(By.id("rule-add"))).isEmpty();
        assertThat(plane.control.store().ruleset(plane.zoneId, "http_request_firewall_custom").orElseThrow().version()).isEqualTo(customVersion);
        assertThat(plane.control.store().ruleset(plane.zoneId, "http_request_firewall_managed").orElseThrow().version()).isEqualTo(managedVersion);
        assertThat(stored("http_request_firewall_custom")).contains("from the API", "no root").doesNotContain("during an outage");
    }

    @Test
    void theAddressWithoutASlashLeadsToTheDashboard() {
        chromium.open("http://127.0.0.1:" + plane.adminPort() + "/dashboard");
        clickable("#token");
        assertThat(chromium.driver().getCurrentUrl()).endsWith("/dashboard/");
    }

    @Test
    void aLinkWhoseHashCarriesMarkupCannotPutItInThePage() {
        signIn();
        // The zone id with a query after it: the API would answer for the zone, and the id went into the page as HTML.
        chromium.open("http://127.0.0.1:" + plane.adminPort() + "/dashboard/#/zone/" + plane.zoneId
                + "?x\"><img id=injected src=x>/overview");
        wait.until(driver -> !driver.findElements(By.cssSelector("#main .error, #main h2")).isEmpty());
        assertThat(chromium.driver().findElements(By.id("injected"))).isEmpty();
    }

    @Test
    void theDashboardCannotBeFramedAndNoAnswerIsSniffed() throws Exception {
        HttpResponse<String> page = api("GET", "/dashboard/", null);
        assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("frame-ancestors 'none'"));
        assertThat(page.headers().firstValue("x-content-type-options")).contains("nosniff");
        assertThat(api("GET", "/dashboard/app.js", null).headers().firstValue("x-content-type-options")).contains("nosniff");
        assertThat(api("GET", "/client/v4/zones", null).headers().firstValue("x-content-type-options")).contains("nosniff");
        assertThat(api("GET", "/metrics", null).headers().firstValue("x-content-type-options")).contains("nosniff");
    }
}
