package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** An edge certificate is checked whole before it is kept, and kept in one canonical form. */
class CertificatesTest {

    static final Certificates.SelfSigned EXAMPLE = Certificates.selfSigned("example.com", "*.example.com");

    @Test
    void aGoodPairIsKeptReEncodedWithNothingAroundIt() {
        String pasted = "friendlyName: café\n" + EXAMPLE.certificatePem() + "trailing notes\n";
        Certificates.EdgeCertificate kept = Certificates.check(pasted, EXAMPLE.keyPem(), "example.com");
        assertThat(kept.certificatePem()).isEqualTo(EXAMPLE.certificatePem()).doesNotContain("café", "trailing");
        assertThat(kept.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Certificates.check(kept.certificatePem(), kept.keyPem(), "example.com")).as("the same text again")
                .usingRecursiveComparison().isEqualTo(kept);
        assertThat(kept.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void aNameOutsideTheZoneIsRefused() {
        assertThatThrownBy(() -> Certificates.check(EXAMPLE.certificatePem(), EXAMPLE.keyPem(), "a.test"))
                .hasMessage("certificate: example.com is not a name of zone a.test (expected: a.test or names under it)");
        Certificates.SelfSigned tld = Certificates.selfSigned("*.com");
        assertThatThrownBy(() -> Certificates.check(tld.certificatePem(), tld.keyPem(), "example.com"))
                .hasMessage("certificate: *.com is not a name of zone example.com (expected: example.com or names under it)");
        Certificates.SelfSigned suffix = Certificates.selfSigned("notexample.com");
        assertThatThrownBy(() -> Certificates.check(suffix.certificatePem(), suffix.keyPem(), "example.com"))
                .hasMessageStartingWith("certificate: notexample.com is not a name of zone example.com");
    }

    @Test
    void anIpOnlyCertificateIsRefused() {
        Certificates.SelfSigned ip = Certificates.selfSigned("127.0.0.1");
        assertThatThrownBy(() -> Certificates.check(ip.certificatePem(), ip.keyPem(), "127.0.0.1"))
                .hasMessage("certificate: no DNS name in its subjectAltName (expected: the names it serves)");
    }

    @Test
    void anExpiredOrNotYetValidCertificateIsRefused() {
        Instant now = Instant.now();
        Certificates.SelfSigned expired = Certificates.selfSigned(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)), "example.com");
        assertThatThrownBy(() -> Certificates.check(expired.certificatePem(), expired.keyPem(), "example.com"))
                .hasMessageStartingWith("certificate: expired on ");
        Certificates.SelfSigned early = Certificates.selfSigned(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), "example.com");
        assertThatThrownBy(() -> Certificates.check(early.certificatePem(), early.keyPem(), "example.com"))
                .hasMessageStartingWith("certificate: not valid before ");
    }

    @Test
    void aKeyOfAnotherCertificateOrAChainOutOfOrderIsRefused() {
        Certificates.SelfSigned other = Certificates.selfSigned("example.com");
        assertThatThrownBy(() -> Certificates.check(EXAMPLE.certificatePem(), other.keyPem(), "example.com"))
                .hasMessage("private_key: the private key does not match the certificate");
        assertThatThrownBy(() -> Certificates.check(EXAMPLE.certificatePem() + other.certificatePem(), EXAMPLE.keyPem(), "example.com"))
                .hasMessage("certificate: certificate 1 of the chain is not signed by the next one (expected: the leaf first, then each issuer)");
        assertThatThrownBy(() -> Certificates.check(EXAMPLE.certificatePem(), EXAMPLE.certificatePem(), "example.com"))
                .hasMessageStartingWith("private_key: not an unencrypted private key");
    }

    @Test
    void eachRefusalNamesThePartThatIsWrong() {
        Certificates.SelfSigned other = Certificates.selfSigned("example.com");
        String key = EXAMPLE.keyPem();
        String brokenBase64 = key.replace(key.substring(40, 44), "!!!!");
        assertThatThrownBy(() -> Certificates.check(EXAMPLE.certificatePem(), brokenBase64, "example.com"))
                .isInstanceOfSatisfying(CertificateProblem.class, e -> assertThat(e.part()).isEqualTo(CertificateProblem.Part.PRIVATE_KEY))
                .hasMessage("private_key: not a PEM private key (the base64 between its BEGIN and END lines cannot be decoded)");
        assertThatThrownBy(() -> Certificates.check(EXAMPLE.certificatePem(), other.keyPem(), "example.com"))
                .isInstanceOfSatisfying(CertificateProblem.class, e -> assertThat(e.part()).isEqualTo(CertificateProblem.Part.PAIR));
        String certificate = EXAMPLE.certificatePem();
        assertThatThrownBy(() -> Certificates.check(certificate.replace(certificate.substring(40, 44), "!!!!"), key, "example.com"))
                .isInstanceOfSatisfying(CertificateProblem.class, e -> assertThat(e.part()).isEqualTo(CertificateProblem.Part.CERTIFICATE));
    }
}
