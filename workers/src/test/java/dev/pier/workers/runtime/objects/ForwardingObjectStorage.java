package dev.pier.workers.runtime.objects;

import dev.pier.workers.ListOptions;
import dev.pier.workers.runtime.storage.ObjectRef;
import dev.pier.workers.runtime.storage.ObjectStorage;
import dev.pier.workers.runtime.storage.SqlCursor;
import dev.pier.workers.runtime.storage.WriteBatch;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/** An object's real storage, every call passed on: a test overrides the calls it observes. */
class ForwardingObjectStorage implements ObjectStorage {

    final ObjectStorage storage;

    ForwardingObjectStorage(ObjectStorage storage) {
        this.storage = storage;
    }

    @Override
    public ObjectRef ref() {
        return storage.ref();
    }

    @Override
    public byte[] get(String key) {
        return storage.get(key);
    }

    @Override
    public Map<String, byte[]> get(Collection<String> keys) {
        return storage.get(keys);
    }

    @Override
    public List<Map.Entry<String, byte[]>> list(ListOptions options) {
        return storage.list(options);
    }

    @Override
    public void commit(WriteBatch batch) {
        storage.commit(batch);
    }

    @Override
    public OptionalLong alarm() {
        return storage.alarm();
    }

    @Override
    public SqlCursor exec(String sql, Object... bindings) {
        return storage.exec(sql, bindings);
    }

    @Override
    public <T> T transaction(Function<ObjectStorage, T> work) {
        return storage.transaction(work);
    }

    @Override
    public long databaseSize() {
        return storage.databaseSize();
    }
}
