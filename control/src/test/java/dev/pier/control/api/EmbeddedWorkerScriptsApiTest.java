package dev.pier.control.api;

import dev.pier.control.TestStores;
import dev.pier.control.store.Store;

/** The Workers script API on the embedded store. */
class EmbeddedWorkerScriptsApiTest extends WorkerScriptsApiContract {

    @Override
    protected Store open() throws Exception {
        return TestStores.embedded();
    }
}
