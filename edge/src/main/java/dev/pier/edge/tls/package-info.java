/**
 * TLS at the edge and toward origins: certificates chosen by SNI per zone, per-zone minimum
 * TLS versions, Cloudflare's SSL modes toward origins, and self-signed certificates for the
 * demo. BoringSSL (netty-tcnative) when it loads, the JDK's TLS otherwise.
 */
package dev.pier.edge.tls;
