package dev.pier.workers.runtime.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * The embedded backend: one SQLite database per object under the data directory, as Cloudflare
 * keeps them, at most a bounded number open at once, and the node's alarm index beside them.
 */
final class SqliteObjectStore implements ObjectStore {

    static final int DEFAULT_OPEN_FILES = 256;

    private final Path dataDirectory;
    private final SqliteFiles files;
    private final SqliteAlarmIndex alarmIndex;

    SqliteObjectStore(Path dataDirectory, int openFiles) {
        this.dataDirectory = dataDirectory;
        this.files = new SqliteFiles(openFiles);
        this.alarmIndex = new SqliteAlarmIndex(dataDirectory);
    }

    @Override
    public ObjectStorage open(String namespace, String objectId) {
        ObjectRef ref = new ObjectRef(namespace, objectId);
        return new SqliteObjectStorage(ref, dataDirectory.resolve(namespace).resolve(objectId + ".sqlite"), files, alarmIndex);
    }

    @Override
    public List<ObjectRef> dueAlarms(long nowMillis) {
        record Due(ObjectRef ref, long at) {
        }
        List<Due> due = new ArrayList<>();
        for (ObjectRef candidate : alarmIndex.candidates(nowMillis)) {
            OptionalLong at = open(candidate.namespace(), candidate.objectId()).alarm();
            if (at.isPresent() && at.getAsLong() <= nowMillis) {
                due.add(new Due(candidate, at.getAsLong()));
            } else {
                alarmIndex.set(candidate, at);
            }
        }
        return due.stream().sorted(Comparator.comparingLong(Due::at)).map(Due::ref).toList();
    }

    /** Databases open now: never more than the bound, unless every one of them is in use. */
    int openFiles() {
        return files.openCount();
    }

    @Override
    public void close() {
        files.close();
        alarmIndex.close();
    }
}
