package dev.pier.config;

import java.nio.file.Path;

/**
 * A certificate chain and its private key, both PEM files.
 *
 * @param certificate the chain, leaf first
 * @param key         the private key (PKCS#8 or PKCS#1, unencrypted)
 */
public record CertificateFiles(Path certificate, Path key) {
}
