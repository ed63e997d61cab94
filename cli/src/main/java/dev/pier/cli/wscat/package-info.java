/**
 * {@code pier wscat}: a small interactive WebSocket client in the spirit of the npm {@code wscat}
 * tool, for poking at the edge (or any WebSocket server) from a terminal or a script.
 *
 * <p>It is built on the JDK's {@link java.net.http.WebSocket} rather than on Netty on purpose: the
 * client must be independent of the code it is used to test, and the JDK client adds no dependency.
 * {@link dev.pier.cli.wscat.WscatCommand} parses the flags and drives the session;
 * {@code WscatListener} turns what arrives into lines of output.
 */
package dev.pier.cli.wscat;
