package dev.pier.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.ConfigLoader;
import dev.pier.edge.Edge;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One client without a token holding 300 idle and 300 slow (trickling) admin connections,
 * reopening each as soon as it is closed, cannot lock anyone else out: a client with a valid
 * token is served within a second, and a connection that signed in before keeps being served
 * even from the attacker's own address.
 */
class AdminLockoutTest {

    static final String ATTACKER = "127.0.0.2";

    /** A route that checks a bearer token, as the control plane's API does. */
    static final AdminRoute API = new AdminRoute() {
        @Override
        public String prefix() {
            return "/api";
        }

        @Override
        public Response handle(String method, String uri, Map<String, String> headers, byte[] body) {
            boolean valid = "Bearer good".equals(headers.get("authorization"));
            return new Response(valid ? 200 : 403, "text/plain", (valid ? "ok\n" : "no\n").getBytes(StandardCharsets.UTF_8),
                    Map.of(), valid);
        }
    };

    Edge edge;
    final AtomicBoolean attacking = new AtomicBoolean(true);
    final List<Thread> attackers = new ArrayList<>();
    final AtomicInteger attackerConnects = new AtomicInteger();
    final List<Socket> attackerSockets = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        edge = Edge.start(ConfigLoader.parse("""
                listeners:
                  - address: 127.0.0.1:0
                admin:
                  address: 127.0.0.1:0
                  allowed_hosts: [admin]   # the name these requests send
                zones: []
                """, Files.createTempDirectory("pier-admin-lockout")), log -> { }, List.of(API));
    }

    @AfterEach
    void stop() throws InterruptedException {
        attacking.set(false);
        for (Socket s : attackerSockets) {
            try {
                s.close(); // unblocks an attacker waiting in read
            } catch (IOException e) {
                // already closed
            }
        }
        edge.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread t : attackers) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }

    private Socket connect(String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(edge.adminAddress(), 5_000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Holds a connection open, idle or trickling a header a byte at a time, and reopens it whenever it is closed. */
    private void attacker(boolean slow) {
        attackers.add(Thread.ofVirtual().start(() -> {
            while (attacking.get()) {
                try (Socket s = connect(ATTACKER)) {
                    attackerSockets.add(s);
                    attackerConnects.incrementAndGet();
                    OutputStream out = s.getOutputStream();
                    out.write("GET /api/x HTTP/1.1\r\nHost: admin\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1));
                    if (slow) {
                        while (attacking.get()) {
                            out.write('a');
                            Thread.sleep(200);
                        }
                    } else {
                        s.setSoTimeout(0);
                        s.getInputStream().read(); // until the edge closes it
                    }
                } catch (IOException e) {
                    // closed by the edge: open another
                } catch (InterruptedException e) {
                    return;
                } finally {
                    attackerSockets.removeIf(Socket::isClosed);
                }
            }
        }));
    }

    private static String get(Socket s, String token) throws IOException {
        s.getOutputStream().write(("GET /api/x HTTP/1.1\r\nHost: admin\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        StringBuilder answer = new StringBuilder();
        while (!answer.toString().endsWith("\n\n") && !answer.toString().endsWith("ok\n") && !answer.toString().endsWith("no\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            answer.append((char) b);
        }
        return answer.toString();
    }

    @Test
    void aClientWithAValidTokenIsServedWithinASecondWhileOneClientHoldsSixHundredConnections() throws Exception {
        try (Socket signedIn = connect(ATTACKER)) {
            assertThat(get(signedIn, "good")).startsWith("HTTP/1.1 200").endsWith("ok\n"); // before the attack, same address
            for (int i = 0; i < 300; i++) {
                attacker(false);
                attacker(true);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (attackerConnects.get() < 600 && System.nanoTime() - deadline < 0) {
                Thread.sleep(20); // every attacker has had a connection accepted (and many were closed again)
            }
            assertThat(attackerConnects.get()).isGreaterThanOrEqualTo(600);
            for (int round = 0; round < 5; round++) {
                long started = System.nanoTime();
                try (Socket s = connect("127.0.0.1")) {
                    assertThat(get(s, "good")).startsWith("HTTP/1.1 200").endsWith("ok\n");
                }
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1_000);
                started = System.nanoTime();
                assertThat(get(signedIn, "good")).startsWith("HTTP/1.1 200").endsWith("ok\n");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1_000);
            }
            assertThat(edge.adminConnectionCount()).isLessThanOrEqualTo(AdminConnections.MAX);
        }
    }

    @Test
    void aClientOverItsLimitHasItsNewConnectionsParkedAndNobodyElsesTouched() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try (Socket other = connect("127.0.0.1")) {
            for (int i = 0; i < AdminConnections.MAX_PER_CLIENT + 10; i++) {
                sockets.add(connect(ATTACKER));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (edge.adminConnectionCount() != AdminConnections.MAX_PER_CLIENT + 1 && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
            assertThat(edge.adminConnectionCount()).isEqualTo(AdminConnections.MAX_PER_CLIENT + 1);
            // MAX_PER_CLIENT of the attacker's connections are served; the ones over its limit are held, unread
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger silent = new AtomicInteger();
            List<Thread> probes = new ArrayList<>();
            for (Socket s : sockets) {
                probes.add(Thread.ofVirtual().start(() -> {
                    try {
                        s.setSoTimeout(1_000);
                        s.getOutputStream().write("GET /api/x HTTP/1.1\r\nHost: admin\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        if (s.getInputStream().read() == 'H') {
                            answered.incrementAndGet();
                        }
                    } catch (java.net.SocketTimeoutException e) {
                        silent.incrementAndGet();
                    } catch (IOException e) {
                        // closed: neither served nor parked
                    }
                }));
            }
            for (Thread t : probes) {
                t.join();
            }
            assertThat(answered.get()).isEqualTo(AdminConnections.MAX_PER_CLIENT);
            assertThat(silent.get()).isEqualTo(10);
            // the other client's idle connection was not closed to make room
            assertThat(get(other, "good")).startsWith("HTTP/1.1 200");
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void whenAllConnectionsAreTakenTheLargestHoldersOldestIdleOneMakesRoom() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < AdminConnections.MAX; i++) { // eight addresses at their limit: every connection taken
                sockets.add(connect("127.0.0." + (10 + i / AdminConnections.MAX_PER_CLIENT)));
            }
            sockets.add(connect("127.0.0.10")); // one more of the first address's: over its own limit, parked
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (edge.adminConnectionCount() != AdminConnections.MAX && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
            assertThat(get(sockets.get(AdminConnections.MAX_PER_CLIENT), "good")).startsWith("HTTP/1.1 200"); // signs in
            long started = System.nanoTime();
            try (Socket newcomer = connect("127.0.0.1")) {
                assertThat(get(newcomer, "good")).startsWith("HTTP/1.1 200");
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1_000);
            assertThat(sockets.get(0).getInputStream().read()).isEqualTo(-1); // the oldest idle one made room
            assertThat(get(sockets.get(AdminConnections.MAX_PER_CLIENT), "good")).startsWith("HTTP/1.1 200"); // signed in: kept
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
