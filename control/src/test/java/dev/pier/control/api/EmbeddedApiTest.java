package dev.pier.control.api;

import dev.pier.control.TestStores;
import dev.pier.control.store.Store;

/** The API contract on the embedded store. */
class EmbeddedApiTest extends ApiContract {

    @Override
    protected Store open() throws Exception {
        return TestStores.embedded();
    }
}
