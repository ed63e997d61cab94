package dev.pier.cli.control;

import static dev.pier.cli.control.TestControlPlane.awaitWithinASecond;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.config.Certificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zone certificate uploaded through Cloudflare's custom certificates API is what the edge's TLS
 * listener presents for its names within a second, and a deleted one is gone as fast, with no
 * restart: the store's certificates reach the edge like every other change.
 */
class CertificatesThroughTheApiTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    TestControlPlane plane;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        plane = new TestControlPlane(dir, true);
    }

    @AfterEach
    void stop() {
        plane.close();
    }

    JsonNode api(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plane.adminPort() + "/client/v4" + path))
                .header("Authorization", "Bearer " + plane.token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        return JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    /** The certificate the TLS listener presents to a client that asks for {@code host}, or null when the handshake fails. */
    X509Certificate presentedTo(String host) {
        try {
            SSLContext trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String auth) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String auth) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            try (SSLSocket socket = (SSLSocket) trustAll.getSocketFactory()
                    .createSocket("127.0.0.1", plane.edge.listenerAddress(1).getPort())) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(host)));
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                return (X509Certificate) socket.getSession().getPeerCertificates()[0];
            }
        } catch (Exception e) {
            return null;
        }
    }

    boolean servesDefault(String host) {
        X509Certificate presented = presentedTo(host);
        return presented != null && presented.getSubjectX500Principal().getName().equals("CN=default.test");
    }

    String upload(String zone, Certificates.SelfSigned pem) throws Exception {
        JsonNode created = api("POST", "/zones/" + zone + "/custom_certificates", JSON.createObjectNode()
                .put("certificate", pem.certificatePem()).put("private_key", pem.keyPem()).toString());
        assertThat(created.path("success").asBoolean()).as(created.toString()).isTrue();
        return created.path("result").path("id").asText();
    }

    @Test
    void anUploadedCertificateIsServedWithinASecondAndADeletedOneIsGone() throws Exception {
        assertThat(servesDefault("chat.example.com")).isTrue();
        String zone = api("POST", "/zones", "{\"name\": \"example.com\"}").path("result").path("id").asText();
        Certificates.SelfSigned pem = Certificates.selfSigned("example.com", "*.example.com");

        String id = upload(zone, pem);
        long uploaded = System.nanoTime();
        awaitWithinASecond(uploaded, () -> pem.certificate().equals(presentedTo("chat.example.com")));
        assertThat(presentedTo("example.com")).isEqualTo(pem.certificate());
        assertThat(servesDefault("other.test")).as("other names keep the default").isTrue();

        api("DELETE", "/zones/" + zone + "/custom_certificates/" + id, null);
        long deleted = System.nanoTime();
        awaitWithinASecond(deleted, () -> servesDefault("chat.example.com"));
    }

    @Test
    void aRenewalIsServedInsteadOfTheCertificateItRenews() throws Exception {
        String zone = api("POST", "/zones", "{\"name\": \"example.com\"}").path("result").path("id").asText();
        Instant now = Instant.now();
        Certificates.SelfSigned old = Certificates.selfSigned(now.minus(Duration.ofDays(300)), now.plus(Duration.ofDays(30)), "*.example.com");
        Certificates.SelfSigned renewed = Certificates.selfSigned(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(90)), "*.example.com");
        String oldId = upload(zone, old);
        long start = System.nanoTime();
        awaitWithinASecond(start, () -> old.certificate().equals(presentedTo("chat.example.com")));
        upload(zone, renewed);
        long renewing = System.nanoTime();
        awaitWithinASecond(renewing, () -> renewed.certificate().equals(presentedTo("chat.example.com")));
        api("DELETE", "/zones/" + zone + "/custom_certificates/" + oldId, null);
        Thread.sleep(500);
        assertThat(presentedTo("chat.example.com")).isEqualTo(renewed.certificate());
    }

    @Test
    void aZoneCannotTakeAnotherZonesNames() throws Exception {
        String mine = api("POST", "/zones", "{\"name\": \"example.com\"}").path("result").path("id").asText();
        String theirs = api("POST", "/zones", "{\"name\": \"a.test\"}").path("result").path("id").asText();
        Certificates.SelfSigned pem = Certificates.selfSigned("example.com", "*.example.com");
        upload(mine, pem);
        long start = System.nanoTime();
        awaitWithinASecond(start, () -> pem.certificate().equals(presentedTo("chat.example.com")));
        Certificates.SelfSigned hijack = Certificates.selfSigned("*.example.com");
        JsonNode refused = api("POST", "/zones/" + theirs + "/custom_certificates", JSON.createObjectNode()
                .put("certificate", hijack.certificatePem()).put("private_key", hijack.keyPem()).toString());
        assertThat(refused.path("errors").get(0).path("message").asText())
                .isEqualTo("certificate: *.example.com is not a name of zone a.test (expected: a.test or names under it)");
        assertThat(presentedTo("chat.example.com")).isEqualTo(pem.certificate());
    }
}
