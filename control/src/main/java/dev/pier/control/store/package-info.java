/**
 * The control plane's store: zones, their settings, DNS records and rulesets, API tokens
 * (hashed) and the audit log of every change. One interface, {@link dev.pier.control.store.Store},
 * with one JDBC implementation that runs on an embedded H2 database (the default, a file in the
 * data folder) and on PostgreSQL (for several edge nodes), both checked by the same contract
 * tests. The schema is versioned with Flyway and migrated on open. Certificates' private keys
 * are encrypted at rest ({@link dev.pier.control.store.PrivateKeyCipher}) with the keys of
 * {@link dev.pier.control.store.StoreKeys}; the embedded store lives in a folder only its owner
 * can enter ({@link dev.pier.control.store.PrivateDirectory}).
 */
package dev.pier.control.store;
