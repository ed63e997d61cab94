package dev.pier.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pair as a Worker and the edge use it: the server end in the Worker, the client end attached to a client. */
class WebSocketPairTest {

    /** What the edge would write to the client. */
    final List<String> toClient = new ArrayList<>();
    final List<String> serverSaw = new ArrayList<>();
    final WebSocketPair pair = new WebSocketPair();

    final WebSocket.Transport transport = new WebSocket.Transport() {
        @Override
        public void send(String text) {
            toClient.add("text:" + text);
        }

        @Override
        public void send(byte[] bytes) {
            toClient.add("binary:" + bytes.length);
        }

        @Override
        public void close(int code, String reason) {
            toClient.add("close:" + code + ":" + reason);
        }
    };

    void listen(WebSocket server) {
        server.addMessageListener(m -> serverSaw.add((m.isText() ? "text:" : "binary:") + m.text()));
        server.addCloseListener(c -> serverSaw.add("close:" + c.code() + ":" + c.reason() + ":" + c.wasClean()));
        server.addErrorListener(e -> serverSaw.add("error:" + e.message()));
    }

    @Test
    void anEchoServerEndAnswersEachMessageOfTheClient() {
        WebSocket server = pair.server();
        server.accept();
        server.addMessageListener(m -> server.send("echo " + m.text()));
        WebSocket.Host.attach(pair.client(), transport);
        WebSocket.Host.received(pair.client(), "hi");
        WebSocket.Host.received(pair.client(), new byte[] {1, 2, 3});
        assertThat(toClient).containsExactly("text:echo hi", "text:echo \u0001\u0002\u0003");
    }

    @Test
    void theServerEndSendsNothingBeforeItIsAccepted() {
        assertThatThrownBy(() -> pair.server().send("too early")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("accept()");
    }

    @Test
    void eventsBeforeAcceptWaitForItInOrder() {
        WebSocket server = pair.server();
        listen(server);
        WebSocket.Host.attach(pair.client(), transport);
        WebSocket.Host.received(pair.client(), "one");
        WebSocket.Host.received(pair.client(), "two");
        assertThat(serverSaw).isEmpty();
        server.accept();
        assertThat(serverSaw).containsExactly("text:one", "text:two");
    }

    @Test
    void aCloseFromTheClientReachesTheServerEndWhichAnswersIt() {
        WebSocket server = pair.server();
        server.accept();
        listen(server);
        WebSocket.Host.attach(pair.client(), transport);
        WebSocket.Host.closed(pair.client(), 1001, "going");
        assertThat(serverSaw).containsExactly("close:1001:going:true");
        assertThat(toClient).as("the handshake answered with the same code").containsExactly("close:1001:going");
        assertThat(server.readyState()).isEqualTo(WebSocket.CLOSED);
        assertThatThrownBy(() -> server.send("late")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aCloseFromTheServerEndGoesToTheClientAndItsAnswerEndsTheHandshake() {
        WebSocket server = pair.server();
        server.accept();
        listen(server);
        WebSocket.Host.attach(pair.client(), transport);
        server.close(4000, "bye");
        assertThat(toClient).containsExactly("close:4000:bye");
        assertThat(server.readyState()).isEqualTo(WebSocket.CLOSING);
        WebSocket.Host.closed(pair.client(), 4000, "bye");
        assertThat(serverSaw).containsExactly("close:4000:bye:true");
        assertThat(toClient).as("no second close frame").hasSize(1);
        assertThat(server.readyState()).isEqualTo(WebSocket.CLOSED);
    }

    @Test
    void aBrokenConnectionIsAnErrorThenAnUncleanClose() {
        WebSocket server = pair.server();
        server.accept();
        listen(server);
        WebSocket.Host.attach(pair.client(), transport);
        WebSocket.Host.failed(pair.client(), "the client went away");
        assertThat(serverSaw).containsExactly("error:the client went away", "close:1006::false");
        assertThat(toClient).isEmpty();
    }

    @Test
    void closeCodesAndReasonsAreTheOnesAnEndpointMaySend() {
        WebSocket server = pair.server();
        server.accept();
        for (int code : new int[] {999, 1004, 1005, 1006, 1015, 2999, 5000}) {
            assertThatThrownBy(() -> server.close(code, ""))
                    .hasMessage("code: " + code + " (expected: 1000 to 1003, 1007 to 1014, or 3000 to 4999)");
        }
        assertThatThrownBy(() -> server.close(1000, "x".repeat(124))).hasMessage("reason: 124 bytes (expected: at most 123)");
    }

    @Test
    void theProtocolsCodesPassOnAsTheyCame() {
        WebSocket server = pair.server();
        server.accept();
        WebSocket.Host.attach(pair.client(), transport);
        server.close(1001, "origin going away");
        assertThat(toClient).containsExactly("close:1001:origin going away");
    }

    @Test
    void anEndAttachedToAConnectionOnEachSideJoinsThemAndADropOnOneSideDropsTheOther() {
        // a fetch's WebSocket a Worker returns as it was: its client end on the origin's connection, its server end on the client's
        List<String> toOrigin = new ArrayList<>();
        WebSocket.Transport origin = new WebSocket.Transport() {
            @Override
            public void send(String text) {
                toOrigin.add("text:" + text);
            }

            @Override
            public void send(byte[] bytes) {
                toOrigin.add("binary:" + bytes.length);
            }

            @Override
            public void close(int code, String reason) {
                toOrigin.add("close:" + code + ":" + reason);
            }

            @Override
            public void abort(String why) {
                toOrigin.add("abort:" + why);
            }
        };
        WebSocket.Host.attach(pair.client(), origin);
        WebSocket.Host.received(pair.client(), "from the origin");
        WebSocket.Host.attach(pair.server(), transport);
        WebSocket.Host.received(pair.server(), "from the client");
        assertThat(toClient).containsExactly("text:from the origin");
        assertThat(toOrigin).containsExactly("text:from the client");

        WebSocket.Host.failed(pair.server(), "the client went away");
        assertThat(toOrigin).containsExactly("text:from the client", "abort:the client went away");
        WebSocket.Host.failed(pair.client(), "the origin went away too");
        assertThat(toClient).as("an end that is closed hears nothing more").containsExactly("text:from the origin");
    }

    @Test
    void whatTheOriginSendsWhileTheClientsConnectionJoinsIsNeitherLostNorReordered() throws Exception {
        // the origin's connection and the client's run on two threads: messages arrive while the edge attaches the other end
        int messages = 20_000;
        for (int round = 0; round < 20; round++) {
            WebSocketPair joined = new WebSocketPair();
            List<String> heard = java.util.Collections.synchronizedList(new ArrayList<>());
            WebSocket.Host.attach(joined.client(), transport);
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
            Thread origin = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < messages; i++) {
                    WebSocket.Host.received(joined.client(), "m" + i);
                    sent.incrementAndGet();
                }
                WebSocket.Host.closed(joined.client(), 1000, "done");
            });
            while (sent.get() < 1_000 + 500 * round) {
                Thread.onSpinWait();
            }
            WebSocket.Host.attach(joined.server(), new WebSocket.Transport() {
                @Override
                public void send(String text) {
                    heard.add(text);
                }

                @Override
                public void send(byte[] bytes) {
                    heard.add("binary");
                }

                @Override
                public void close(int code, String reason) {
                    heard.add("close " + code);
                }
            });
            origin.join();
            assertThat(heard).as("round " + round).hasSize(messages + 1);
            for (int i = 0; i < messages; i++) {
                if (!heard.get(i).equals("m" + i)) {
                    throw new AssertionError("round " + round + ": message " + i + " is " + heard.get(i));
                }
            }
            assertThat(heard.get(messages)).isEqualTo("close 1000");
        }
    }

    @Test
    void aDropReachesAnAttachedEndThatCannotDropAsA1011() {
        WebSocket.Host.attach(pair.client(), transport);
        WebSocket.Host.attach(pair.server(), new WebSocket.Transport() {
            @Override
            public void send(String text) {
            }

            @Override
            public void send(byte[] bytes) {
            }

            @Override
            public void close(int code, String reason) {
            }
        });
        WebSocket.Host.failed(pair.server(), "gone");
        assertThat(toClient).containsExactly("close:1011:");
    }

    @Test
    void theClientEndIsTheEdgesOnly() {
        WebSocket.Host.attach(pair.client(), transport);
        assertThatThrownBy(() -> pair.client().accept()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> WebSocket.Host.attach(pair.client(), transport)).isInstanceOf(IllegalStateException.class);
    }
}
