package dev.pier.analytics.store;

import org.junit.jupiter.api.AfterEach;

class PostgresAnalyticsStoreTest extends AnalyticsStoreContract {

    private final String schema = TestPostgres.newSchema();

    @Override
    AnalyticsStore openEmpty() {
        return TestPostgres.open(schema, RETENTION);
    }

    @AfterEach
    void dropSchema() throws Exception {
        store.close();
        TestPostgres.drop(schema);
    }
}
