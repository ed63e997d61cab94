package dev.pier.analytics.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class DuckDbAnalyticsStoreTest extends AnalyticsStoreContract {

    @TempDir
    Path data;

    @Override
    AnalyticsStore openEmpty() {
        return AnalyticsStore.open("analytics.duckdb", data, RETENTION);
    }
}
