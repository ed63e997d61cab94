package dev.pier.workers.runtime.objects;

import dev.pier.workers.runtime.storage.ObjectStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Objects' SQL, transactions and blockConcurrencyWhile on the embedded backend, the default: a SQLite database per object. */
class SqliteObjectSqlTest extends ObjectSqlTest {

    @TempDir
    Path data;

    @Override
    protected ObjectStore newStore() {
        return ObjectStore.sqlite(data);
    }

    @Override
    protected ObjectStore sameData() {
        return ObjectStore.sqlite(data);
    }
}
