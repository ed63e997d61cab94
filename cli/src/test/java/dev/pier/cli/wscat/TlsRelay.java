package dev.pier.cli.wscat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * Terminates TLS with a freshly generated self-signed certificate and relays the plain bytes to
 * a local port, giving the echo origin a {@code wss://} face for testing {@code -n}.
 *
 * <p>The certificate comes from the JDK's keytool so the test needs no certificate library; it
 * names {@code CN=wscat-test}, which matches neither the host nor any trusted issuer.
 */
final class TlsRelay implements AutoCloseable {

    private static final char[] PASSWORD = "changeit".toCharArray();

    private final ServerSocket server;
    private final int targetPort;

    private TlsRelay(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    static TlsRelay start(Path workDir, int targetPort) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers(selfSignedKeyStore(workDir)), null, null);
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TlsRelay relay = new TlsRelay(server, targetPort);
        Thread.ofPlatform().daemon().name("tls-relay-accept").start(relay::acceptLoop);
        return relay;
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                pipe(client, target);
                pipe(target, client);
            } catch (IOException e) {
                return; // the relay was closed
            }
        }
    }

    /** Copies one direction until either side ends, then closes both, ending the other direction too. */
    private static void pipe(Socket from, Socket to) {
        Thread.ofPlatform().daemon().name("tls-relay-pipe").start(() -> {
            try (from; to; InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // a failed TLS handshake or a reset: the test looks at what the client saw
            }
        });
    }

    private static KeyStore selfSignedKeyStore(Path workDir) throws Exception {
        Path file = workDir.resolve("relay.p12");
        Process keytool = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "relay", "-keyalg", "EC", "-dname", "CN=wscat-test",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", new String(PASSWORD))
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes());
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    private static KeyManager[] keyManagers(KeyStore store) throws Exception {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, PASSWORD);
        return factory.getKeyManagers();
    }
}
