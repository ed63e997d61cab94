package dev.pier.workers.runtime.objects;

import dev.pier.workers.runtime.storage.ObjectStore;
import dev.pier.workers.runtime.storage.TestPostgres;

/** Objects' SQL, transactions and blockConcurrencyWhile on PostgreSQL, each test in a schema of its own. */
class PostgresObjectSqlTest extends ObjectSqlTest {

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
    protected void dropData() throws Exception {
        TestPostgres.drop(schema);
    }
}
