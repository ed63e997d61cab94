package dev.pier.control.api;

import dev.pier.control.TestStores;
import dev.pier.control.store.Store;
import org.junit.jupiter.api.AfterAll;

/** The Workers script API on PostgreSQL. */
class PostgresWorkerScriptsApiTest extends WorkerScriptsApiContract {

    @Override
    protected Store open() throws Exception {
        return TestStores.postgres();
    }

    @AfterAll
    static void dropSchemas() throws Exception {
        TestStores.dropSchemas();
    }
}
