package dev.pier.workers.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The leases of nodes that share a PostgreSQL storage, on the development machine's PostgreSQL: one
 * node holds an object at a time, another takes it over only once the lease expired (with a new
 * token), renewals keep only what the node still holds, and a commit fenced by a token that lost
 * the lease writes nothing.
 */
class ObjectLeasesTest {

    static final ObjectRef ROOM = new ObjectRef("chat.ROOMS", "a".repeat(64));
    static final Duration LONG = Duration.ofSeconds(30);

    final String schema = TestPostgres.newSchema();
    final ObjectStore nodeA = TestPostgres.open(schema);
    final ObjectStore nodeB = TestPostgres.open(schema);
    final ObjectLeases leasesA = nodeA.leases().orElseThrow();
    final ObjectLeases leasesB = nodeB.leases().orElseThrow();

    @AfterEach
    void drop() throws Exception {
        nodeA.close();
        nodeB.close();
        TestPostgres.drop(schema);
    }

    @Test
    void oneNodeHoldsAnObjectAndTheOtherLearnsWhoAndWhere() {
        ObjectLeases.Granted granted = (ObjectLeases.Granted) leasesA.claim(ROOM, "a", "http://10.0.0.1:8080", LONG);
        ObjectLeases.Claim refused = leasesB.claim(ROOM, "b", "http://10.0.0.2:8080", LONG);
        assertThat(refused).isInstanceOf(ObjectLeases.Held.class);
        ObjectLeases.Held held = (ObjectLeases.Held) refused;
        assertThat(held.owner()).isEqualTo("a");
        assertThat(held.address()).isEqualTo("http://10.0.0.1:8080");
        assertThat(held.remainingMillis()).isBetween(20_000L, 30_000L);
        assertThat(leasesA.claim(new ObjectRef("chat.ROOMS", "b".repeat(64)), "b", null, LONG))
                .as("another object is anyone's").isInstanceOf(ObjectLeases.Granted.class);

        ObjectLeases.Granted again = (ObjectLeases.Granted) leasesA.claim(ROOM, "a", "http://10.0.0.1:8080", LONG);
        assertThat(again.token()).as("a node's own lease claimed again gets a new token").isNotEqualTo(granted.token());
    }

    @Test
    void anExpiredLeaseIsTakenOverWithANewTokenAndTheOldOneIsNoLongerRenewed() throws Exception {
        long a = ((ObjectLeases.Granted) leasesA.claim(ROOM, "a", null, Duration.ofMillis(200))).token();
        assertThat(leasesA.renew("a", List.of(a), Duration.ofMillis(200))).containsExactly(a);
        Thread.sleep(300);
        long b = ((ObjectLeases.Granted) leasesB.claim(ROOM, "b", null, LONG)).token();
        assertThat(b).isGreaterThan(a);
        assertThat(leasesA.renew("a", List.of(a), LONG)).as("taken over: a's renewal finds nothing").isEmpty();
        assertThat(leasesA.renew("a", List.of(b), LONG)).as("a cannot renew b's lease with b's token").isEmpty();
        assertThat(leasesB.renew("b", List.of(b), LONG)).containsExactly(b);
        assertThat(leasesA.claim(ROOM, "a", null, LONG)).isInstanceOf(ObjectLeases.Held.class);
    }

    @Test
    void aReleasedLeaseIsAnyonesAtOnceAndANodeThatStopsReleasesAllItsLeases() {
        long a = ((ObjectLeases.Granted) leasesA.claim(ROOM, "a", null, LONG)).token();
        leasesA.release(a);
        long b = ((ObjectLeases.Granted) leasesB.claim(ROOM, "b", null, LONG)).token();
        leasesA.release(a);
        assertThat(leasesA.claim(ROOM, "a", null, LONG)).as("releasing a token that lost the lease releases nothing")
                .isInstanceOf(ObjectLeases.Held.class);
        leasesB.claim(new ObjectRef("chat.ROOMS", "b".repeat(64)), "b", null, LONG);
        assertThat(leasesB.releaseAll("b")).isEqualTo(2);
        assertThat(leasesA.claim(ROOM, "a", null, LONG)).isInstanceOf(ObjectLeases.Granted.class);
        assertThat(leasesB.renew("b", List.of(b), LONG)).isEmpty();
    }

    @Test
    void aCommitFencedByATokenThatLostTheLeaseFailsAndWritesNothing() throws Exception {
        long a = ((ObjectLeases.Granted) leasesA.claim(ROOM, "a", null, Duration.ofMillis(200))).token();
        ObjectStorage storageA = leasesA.fenced(ROOM, a);
        storageA.commit(new WriteBatch().put("count", bytes("1")));
        Thread.sleep(300);
        assertThat(leasesB.claim(ROOM, "b", null, LONG)).isInstanceOf(ObjectLeases.Granted.class);

        assertThatThrownBy(() -> storageA.commit(new WriteBatch().put("count", bytes("2")).put("other", bytes("x"))))
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("this node no longer holds the object's lease");
        assertThatThrownBy(() -> storageA.transaction(s -> s.exec("CREATE TABLE t (n INTEGER)")))
                .isInstanceOf(LeaseLostException.class);
        ObjectStorage storageB = nodeB.open(ROOM.namespace(), ROOM.objectId());
        assertThat(new String(storageB.get("count"), StandardCharsets.UTF_8)).isEqualTo("1");
        assertThat(storageB.get("other")).isNull();
        assertThat(storageB.exec("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 't'"
                + " AND table_schema = current_schema()").one().get("n")).as("the refused transaction's table").isEqualTo(0L);
    }

    @Test
    void aLeaseThatExpiredWithoutATakeoverStillCommitsAndTheNextOwnerReadsWhatItWrote() throws Exception {
        long a = ((ObjectLeases.Granted) leasesA.claim(ROOM, "a", null, Duration.ofMillis(200))).token();
        ObjectStorage storageA = leasesA.fenced(ROOM, a);
        CountDownLatch inTransaction = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        CompletableFuture<Void> committing = CompletableFuture.runAsync(() -> storageA.transaction(s -> {
            s.commit(new WriteBatch().put("count", bytes("7")));
            inTransaction.countDown();
            await(commit);
            return null;
        }));
        assertThat(inTransaction.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(300); // the lease expires while the transaction is open; no other node took it, so its token still holds it
        commit.countDown();
        committing.join();
        assertThat(leasesB.claim(ROOM, "b", null, LONG)).isInstanceOf(ObjectLeases.Granted.class);
        assertThat(new String(nodeB.open(ROOM.namespace(), ROOM.objectId()).get("count"), StandardCharsets.UTF_8)).isEqualTo("7");
    }

    @Test
    void aStorageOnlyOneNodeUsesHasNoLeases(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        try (ObjectStore sqlite = ObjectStore.sqlite(dir)) {
            assertThat(sqlite.leases()).isEmpty();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
