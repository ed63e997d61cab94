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

    /** The certificate the TLS listener presents to a client that asks for {@code host}. */
    String presentedTo(String host) {
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
                return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
            }
        } catch (Exception e) {
            return "handshake failed: " + e.getMessage();
        }
    }

    @Test
    void anUploadedCertificateIsServedWithinASecondAndADeletedOneIsGone() throws Exception {
        assertThat(presentedTo("chat.example.com")).isEqualTo("CN=default.test");
        String zone = api("POST", "/zones", "{\"name\": \"example.com\"}").path("result").path("id").asText();
        Certificates.SelfSigned pem = Certificates.selfSigned("example.com", "*.example.com");

        long uploaded = System.nanoTime();
        JsonNode created = api("POST", "/zones/" + zone + "/custom_certificates", JSON.createObjectNode()
                .put("certificate", pem.certificatePem()).put("private_key", pem.keyPem()).toString());
        assertThat(created.path("success").asBoolean()).as(created.toString()).isTrue();
        awaitWithinASecond(uploaded, () -> presentedTo("chat.example.com").equals("CN=example.com"));
        assertThat(presentedTo("example.com")).isEqualTo("CN=example.com");
        assertThat(presentedTo("other.test")).as("other names keep the default").isEqualTo("CN=default.test");

        long deleted = System.nanoTime();
        api("DELETE", "/zones/" + zone + "/custom_certificates/" + created.path("result").path("id").asText(), null);
        awaitWithinASecond(deleted, () -> presentedTo("chat.example.com").equals("CN=default.test"));
    }
}
