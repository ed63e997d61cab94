package dev.pier.workers.runtime.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The storage contract on PostgreSQL, each test in a schema of its own; and what only it has: a schema per object's SQL. */
class PostgresObjectStoreTest extends ObjectStorageContract {

    private final String schema = TestPostgres.newSchema();

    @Override
    protected ObjectStore newStore() {
        return TestPostgres.open(schema);
    }

    @Override
    protected ObjectStore sameData() {
        return TestPostgres.open(schema);
    }

    @Override
    protected String bytesType() {
        return "BYTEA";
    }

    @AfterEach
    void dropSchemas() throws Exception {
        store.close();
        TestPostgres.drop(schema);
    }

    @Test
    void twoNodesShareTheData() {
        try (ObjectStore node2 = sameData()) {
            storage.commit(new WriteBatch().put("k", bytes("v")).setAlarm(1_000));
            storage.exec("CREATE TABLE t (n INTEGER); INSERT INTO t (n) VALUES (5)");
            ObjectStorage there = node2.open("Room", "a1");
            assertThat(there.get("k")).isEqualTo(bytes("v"));
            assertThat(there.exec("SELECT n FROM t").one()).isEqualTo(Map.of("n", 5L));
            assertThat(node2.dueAlarms(1_000)).containsExactly(storage.ref());
        }
    }

    @Test
    void anObjectsSqlIsInASchemaOfItsOwn() {
        storage.exec("CREATE TABLE t (n INTEGER)");
        String objectSchema = (String) storage.exec("SELECT current_schema() AS s").one().get("s");
        assertThat(objectSchema).startsWith("pier_do_").isNotEqualTo(schema);
        assertThat(store.open("Room", "b2").exec("SELECT current_schema() AS s").one().get("s")).isNotEqualTo(objectSchema);
        // the search path ends with the transaction: the pooled connection is as it came
        assertThat(storage.get("k")).isNull();
    }

    @Test
    void anUnreachableDatabaseIsAClearError() {
        assertThatThrownBy(() -> PostgresObjectStore.open("jdbc:postgresql://127.0.0.1:1/test?password=secret", "postgres", "", schema))
                .isInstanceOf(StorageException.class).hasMessageStartingWith("storage: cannot open jdbc:postgresql://127.0.0.1:1/test (")
                .message().doesNotContain("secret");
    }
}
