/**
 * Request smuggling and parsing: a corpus of attack vectors sent through a real edge to real
 * origin parsers (Node.js's and Jetty's), and a Jazzer target that feeds arbitrary bytes to the
 * client pipeline in memory. Both assert one invariant ({@link dev.pier.edge.security.RequestPathInvariant}):
 * an origin parses exactly the requests the WAF evaluated and let through, with the same method,
 * path and host, and nothing else.
 */
package dev.pier.edge.security;
