package dev.pier.edge.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The usual arrangement of an integration test: one Jetty origin for the test class, and a
 * fresh edge in front of it for every test (so that request logs and counters are the test's own).
 */
public abstract class EdgeWithJettyOrigin {

    protected static JettyOrigin origin;
    protected TestEdge edge;

    @BeforeAll
    static void startOrigin() throws Exception {
        origin = new JettyOrigin();
    }

    @AfterAll
    static void stopOrigin() throws Exception {
        origin.close();
    }

    @BeforeEach
    void startEdge() {
        origin.closes.clear();
        edge = TestEdge.toOrigin(origin.port());
    }

    @AfterEach
    void stopEdge() {
        edge.close();
    }
}
