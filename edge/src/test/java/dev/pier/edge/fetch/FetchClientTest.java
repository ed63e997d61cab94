package dev.pier.edge.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pier.config.Certificates;
import dev.pier.edge.support.JdkHttpOrigin;
import dev.pier.edge.upstream.OriginGuard;
import dev.pier.workers.Fetch;
import dev.pier.workers.FetchException;
import dev.pier.workers.Headers;
import dev.pier.workers.Request;
import dev.pier.workers.Response;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node's fetch on its own, against real origins on this machine: what goes out, what comes
 * back, redirects as the Fetch standard follows them, TLS checked, and each way a fetch fails
 * saying what happened.
 */
class FetchClientTest {

    static final FetchLimits LIMITS = new FetchLimits(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(1), 1024 * 1024);

    static EventLoopGroup loops;
    static JdkHttpOrigin origin;
    static FetchClient client;

    @BeforeAll
    static void start() throws Exception {
        loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        origin = JdkHttpOrigin.start();
        client = client(FetchClient.defaultTls(), OriginGuard.NONE);
    }

    @AfterAll
    static void stop() {
        origin.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static FetchClient client(SslContext tls, OriginGuard guard) {
        return new FetchClient(loops, NioSocketChannel.class, tls, () -> guard, () -> LIMITS);
    }

    static Response fetch(Request request) {
        return fetch(client, request, Fetch.Redirect.FOLLOW);
    }

    static Response fetch(FetchClient client, Request request, Fetch.Redirect redirect) {
        try {
            return client.fetch(request, redirect).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new CompletionException(e.getCause() != null ? e.getCause() : e);
        }
    }

    /** Why the fetch failed: the exception the stage failed with. */
    static Throwable failure(FetchClient client, Request request) {
        Throwable thrown = catchThrowable(() -> fetch(client, request, Fetch.Redirect.FOLLOW));
        assertThat(thrown).as("the fetch of " + request + " failed").isInstanceOf(CompletionException.class);
        return thrown.getCause();
    }

    @Test
    void aGetReturnsStatusHeadersAndBody() {
        Response response = fetch(Request.get(origin.url("/hello")));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("hello");
        assertThat(response.headers().get("content-type")).isEqualTo("text/plain;charset=UTF-8");
        assertThat(response.headers().has("connection")).as("a header of the connection, not of the response").isFalse();
        assertThat(response.webSocket()).isNull();
    }

    @Test
    void theRequestCarriesItsMethodHeadersAndBodyAndTheUrlsHost() {
        Request post = new Request("POST", origin.url("/method"), Headers.of("content-type", "text/plain"),
                "twelve bytes".getBytes(StandardCharsets.UTF_8));
        assertThat(fetch(post).text()).isEqualTo("POST 12 text/plain");
        Request get = new Request("GET", origin.url("/headers?x=1"), Headers.of("x-custom", "yes", "host", "elsewhere.example",
                "connection", "keep-alive"), null);
        assertThat(fetch(get).text()).contains("x-custom: yes\n", "host: 127.0.0.1:" + origin.port() + "\n", "connection: close\n")
                .doesNotContain("elsewhere.example");
    }

    @Test
    void aGzipBodyIsDecodedAsCloudflaresFetchDoes() {
        Response response = fetch(new Request("GET", origin.url("/gzip"), Headers.of("accept-encoding", "gzip"), null));
        assertThat(response.text()).isEqualTo("decoded by fetch");
        assertThat(response.headers().has("content-encoding")).isFalse();
    }

    /** A client whose origins may be silent for longer: the streamed fetches' origins trickle, on a machine that may be busy. */
    static FetchClient patient() {
        FetchLimits limits = new FetchLimits(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(1), LIMITS.maxBody());
        return new FetchClient(loops, NioSocketChannel.class, FetchClient.defaultTls(), () -> OriginGuard.NONE, () -> limits);
    }

    @Test
    void aStreamedFetchAnswersAtTheHeadAndItsBodyComesAsTheOriginSendsItWithoutTheWholeBodyLimit() throws Exception {
        FetchClient client = patient();
        Response response = client.stream(Request.get(origin.url("/trickle")), Fetch.Redirect.FOLLOW).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bytes()).isEmpty();
        List<String> chunks = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        response.stream().consume(new dev.pier.workers.BodyStream.Reader() {
            @Override
            public void chunk(byte[] bytes, CompletableFuture<Void> taken) {
                chunks.add(new String(bytes, StandardCharsets.UTF_8));
                taken.complete(null);
            }

            @Override
            public void end() {
                ended.complete(null);
            }

            @Override
            public void aborted(String reason) {
                ended.completeExceptionally(new IllegalStateException(reason));
            }
        });
        assertThat(ended).as("the head came before the origin wrote its body").isNotDone();
        ended.get(10, TimeUnit.SECONDS);
        assertThat(String.join("", chunks)).isEqualTo("part0;part1;part2;part3;part4;");
        assertThat(chunks).as("each write of the origin's its own chunk").hasSizeGreaterThan(1);

        int large = 3 * LIMITS.maxBody();
        Response big = client.stream(Request.get(origin.url("/big?n=" + large)), Fetch.Redirect.FOLLOW).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(big.stream().readAll().toCompletableFuture().get(10, TimeUnit.SECONDS)).hasSize(large);
    }

    @Test
    void aStreamedRequestBodyGoesOutChunkedAndARedirectCannotSendItAgain() throws Exception {
        FetchClient client = patient();
        dev.pier.workers.BodyStream body = new dev.pier.workers.BodyStream();
        CompletableFuture<Response> sent = client.fetch(Request.streamed("POST", origin.url("/method"),
                Headers.of("content-type", "text/plain"), body), Fetch.Redirect.FOLLOW).toCompletableFuture();
        body.write("abc".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        body.write("de".getBytes(StandardCharsets.UTF_8));
        body.close();
        assertThat(sent.get(10, TimeUnit.SECONDS).text()).isEqualTo("POST 5 text/plain");

        dev.pier.workers.BodyStream again = new dev.pier.workers.BodyStream();
        again.write("xyz".getBytes(StandardCharsets.UTF_8));
        again.close();
        Throwable refused = failure(client, Request.streamed("POST", origin.url("/temporary"), new Headers(), again));
        assertThat(refused).isInstanceOf(FetchException.class).hasMessageEndingWith("a request body sent as a stream cannot be sent again");

        dev.pier.workers.BodyStream toGet = new dev.pier.workers.BodyStream();
        toGet.close();
        assertThat(fetch(client, Request.streamed("POST", origin.url("/see-other"), new Headers(), toGet), Fetch.Redirect.FOLLOW).text())
                .isEqualTo("GET 0 null");
    }

    @Test
    void redirectsAreFollowedUpToTwentyTimes() {
        assertThat(fetch(Request.get(origin.url("/redirect?n=20"))).text()).isEqualTo("arrived");
        Throwable tooMany = failure(client, Request.get(origin.url("/redirect?n=21")));
        assertThat(tooMany).isInstanceOf(FetchException.class)
                .hasMessage("GET " + origin.url("/redirect?n=21") + ": more than 20 redirects");
    }

    @Test
    void aManualRedirectIsReturnedAsItIs() {
        Response response = fetch(client, Request.get(origin.url("/redirect?n=3")), Fetch.Redirect.MANUAL);
        assertThat(response.status()).isEqualTo(302);
        assertThat(response.headers().get("location")).isEqualTo("redirect?n=2");
    }

    @Test
    void a303AndA302ToAPostBecomeAGetWithoutBodyWhileA307KeepsBoth() {
        byte[] body = "abc".getBytes(StandardCharsets.UTF_8);
        Headers json = Headers.of("content-type", "application/json");
        assertThat(fetch(new Request("POST", origin.url("/see-other"), new Headers(json), body)).text()).isEqualTo("GET 0 null");
        assertThat(fetch(new Request("POST", origin.url("/found"), new Headers(json), body)).text()).isEqualTo("GET 0 null");
        assertThat(fetch(new Request("PUT", origin.url("/found"), new Headers(json), body)).text()).isEqualTo("PUT 3 application/json");
        assertThat(fetch(new Request("POST", origin.url("/temporary"), new Headers(json), body)).text())
                .isEqualTo("POST 3 application/json");
    }

    @Test
    void authorizationIsNotCarriedToAnotherOrigin() {
        String sameOrigin = origin.url("/headers");
        String otherOrigin = "http://localhost:" + origin.port() + "/headers"; // another host name: another origin
        Headers secret = Headers.of("authorization", "Bearer s3cret");
        assertThat(fetch(new Request("GET", origin.url("/elsewhere?to=" + encode(sameOrigin)), new Headers(secret), null)).text())
                .contains("authorization: Bearer s3cret");
        assertThat(fetch(new Request("GET", origin.url("/elsewhere?to=" + encode(otherOrigin)), new Headers(secret), null)).text())
                .contains("host: localhost:" + origin.port()).doesNotContain("authorization");
    }

    @Test
    void aRedirectToAUrlFetchCannotLoadFails() {
        Throwable thrown = failure(client, Request.get(origin.url("/elsewhere?to=" + encode("ftp://127.0.0.1/file"))));
        assertThat(thrown).isInstanceOf(FetchException.class)
                .hasMessage("GET " + origin.url("/elsewhere?to=" + encode("ftp://127.0.0.1/file"))
                        + ": the origin redirected (302) to ftp://127.0.0.1/file, which fetch cannot load");
    }

    @Test
    void anOriginSilentForTheReadTimeoutFailsTheFetch() {
        Throwable thrown = failure(client, Request.get(origin.url("/slow")));
        assertThat(thrown).isInstanceOf(FetchException.class)
                .hasMessage("GET " + origin.url("/slow") + ": the origin sent nothing for 500 ms (the read timeout)");
    }

    @Test
    void theReadTimeoutIsSilenceNotTheWholeResponse() {
        // five parts 150 ms apart: 750 ms in all, never 500 ms without a byte
        assertThat(fetch(Request.get(origin.url("/trickle"))).text()).isEqualTo("part0;part1;part2;part3;part4;");
    }

    @Test
    void aBodyLargerThanTheLimitFailsTheFetchDecodedOrNot() {
        assertThat(fetch(Request.get(origin.url("/big?n=" + LIMITS.maxBody()))).bytes()).hasSize(LIMITS.maxBody());
        Throwable plain = failure(client, Request.get(origin.url("/big?n=" + (LIMITS.maxBody() + 1))));
        assertThat(plain).isInstanceOf(FetchException.class).hasMessage("GET " + origin.url("/big?n=" + (LIMITS.maxBody() + 1))
                + ": the response body is larger than 1048576 bytes, the most a fetch reads");
        Throwable bomb = failure(client, Request.get(origin.url("/bomb?n=" + 8 * LIMITS.maxBody())));
        assertThat(bomb).isInstanceOf(FetchException.class).hasMessageEndingWith(": the response body is larger than 1048576 bytes,"
                + " the most a fetch reads");
    }

    @Test
    void anOriginThatIsDownFailsTheFetch() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Throwable thrown = failure(client, Request.get("http://127.0.0.1:" + closed + "/"));
        assertThat(thrown).isInstanceOf(FetchException.class)
                .hasMessageStartingWith("GET http://127.0.0.1:" + closed + "/: the connection to 127.0.0.1:" + closed + " failed (")
                .hasMessageContaining("refused");
    }

    @Test
    void theGuardRefusesTheEdgesOwnListeners() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = listener.getLocalPort();
            FetchClient guarded = client(FetchClient.defaultTls(), OriginGuard.of(List.of(new InetSocketAddress("127.0.0.1", port))));
            Throwable thrown = failure(guarded, Request.get("http://localhost:" + port + "/"));
            assertThat(thrown).isInstanceOf(FetchException.class).hasMessage("GET http://localhost:" + port
                    + "/: refused: the origin address 127.0.0.1 port " + port + " is this edge's own listener");
        }
    }

    @Test
    void aUrlFetchCannotLoadFailsTheStage() {
        assertThat(failure(client, Request.get("ftp://127.0.0.1/"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("url: ftp://127.0.0.1/ (expected: http or https");
        assertThat(failure(client, Request.get("ws://127.0.0.1/"))).hasMessageContaining("Upgrade: websocket");
        assertThat(failure(client, Request.get("http://user:pw@127.0.0.1/"))).hasMessageContaining("no user name and password");
        assertThat(failure(client, new Request("POST", "http://127.0.0.1/", Headers.of("upgrade", "websocket"), null)))
                .hasMessage("method: POST (expected: GET for a WebSocket upgrade)");
    }

    @Test
    void aFetchMadeOnALoopRunsAndCompletesOnThatLoopAndOneMadeElsewhereOnALoop() throws Exception {
        for (int i = 0; i < 4; i++) { // each of the two loops, twice
            EventLoop loop = loops.next();
            AtomicReference<Thread> caller = new AtomicReference<>();
            AtomicReference<Thread> completed = new AtomicReference<>();
            CompletableFuture<Response> done = new CompletableFuture<>();
            loop.execute(() -> {
                caller.set(Thread.currentThread());
                client.fetch(Request.get(origin.url("/hello")), Fetch.Redirect.FOLLOW).whenComplete((r, e) -> {
                    completed.set(Thread.currentThread());
                    done.complete(r);
                });
            });
            assertThat(done.get(10, TimeUnit.SECONDS).text()).isEqualTo("hello");
            assertThat(completed.get()).isSameAs(caller.get());
        }
        AtomicReference<Thread> completed = new AtomicReference<>();
        client.fetch(Request.get(origin.url("/hello")), Fetch.Redirect.FOLLOW).whenComplete((r, e) -> completed.set(Thread.currentThread()))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(completed.get()).isNotSameAs(Thread.currentThread());
        List<Thread> loopThreads = new java.util.ArrayList<>();
        for (var loop : loops) {
            loopThreads.add(loop.submit(Thread::currentThread).get());
        }
        assertThat(loopThreads).contains(completed.get());
    }

    @Test
    void httpsIsCheckedAgainstTheTrustStoreAndTheUrlsHost() throws Exception {
        Certificates.SelfSigned certificate = Certificates.selfSigned("localhost");
        try (JdkHttpOrigin tlsOrigin = JdkHttpOrigin.startTls(certificate)) {
            String byName = "https://localhost:" + tlsOrigin.port() + "/hello";
            String byAddress = "https://127.0.0.1:" + tlsOrigin.port() + "/hello";
            FetchClient trusting = client(SslContextBuilder.forClient().trustManager(certificate.certificate()).build(), OriginGuard.NONE);
            assertThat(fetch(trusting, Request.get(byName), Fetch.Redirect.FOLLOW).text()).isEqualTo("hello");

            Throwable wrongHost = failure(trusting, Request.get(byAddress));
            assertThat(wrongHost).isInstanceOf(FetchException.class)
                    .hasMessageStartingWith("GET " + byAddress + ": the TLS handshake with 127.0.0.1:" + tlsOrigin.port() + " failed (");
            Throwable untrusted = failure(client, Request.get(byName));
            assertThat(untrusted).as("the JDK's trust store does not know a self-signed certificate").isInstanceOf(FetchException.class)
                    .hasMessageStartingWith("GET " + byName + ": the TLS handshake with localhost:" + tlsOrigin.port() + " failed (");
            assertThat(tlsOrigin.requests).as("no request went to an origin that was not trusted").hasValue(1);
        }
    }

    private static String encode(String url) {
        return URLEncoder.encode(url, StandardCharsets.UTF_8);
    }
}
