/**
 * The durable storage of Durable Objects, under the runtime's storage API: per object a key-value
 * store ordered by the keys' UTF-8 bytes, an alarm and an SQL database, each write atomic and
 * durable when it returns ({@link dev.pier.workers.runtime.storage.ObjectStorage}). Two backends
 * behind {@link dev.pier.workers.runtime.storage.ObjectStore}: one SQLite database per object in
 * the data directory (embedded, the default) and PostgreSQL (several nodes). Both enforce
 * Cloudflare's limits for SQLite-backed objects ({@link dev.pier.workers.runtime.storage.StorageLimits})
 * and refuse user SQL that would control transactions, change settings or name the storage's own
 * {@code _pier_}/{@code _cf_} tables ({@code UserSqlPolicy}). The runtime adds, on top, the
 * coalescing of writes, the input and output gates and the user-facing API.
 */
package dev.pier.workers.runtime.storage;
