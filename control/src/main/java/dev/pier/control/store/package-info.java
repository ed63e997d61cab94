/**
 * The control plane's store: zones, their settings, DNS records, certificates, rulesets and Worker routes, the
 * account's lists, API tokens (hashed) and the audit log of every change. One interface,
 * {@link dev.pier.control.store.Store}, with one JDBC implementation,
 * {@link dev.pier.control.store.JdbcStore}, that runs on an embedded H2 database (the default, a
 * file in the data folder) and on PostgreSQL (for several edge nodes), both checked by the same
 * contract tests. {@code JdbcStore} hands each call to the package's repository for that
 * aggregate ({@code ZoneRepository}, {@code SettingRepository}, {@code DnsRecordRepository},
 * {@code CertificateRepository}, {@code RulesetRepository}, {@code WorkerRouteRepository}, {@code ListRepository},
 * {@code TokenRepository}, {@code AuditRepository}), each of which owns its tables' SQL and row
 * mapping; they share {@code Jdbc}: the connection pool, writes that each commit with their audit
 * entries as one step of the store's version, the one transaction
 * {@link dev.pier.control.store.Store#inTransaction} holds on its thread, and errors that never
 * quote a value. The schema is versioned with Flyway and migrated on open. Certificates' private
 * keys are encrypted at rest ({@link dev.pier.control.store.PrivateKeyCipher}) with the keys of
 * {@link dev.pier.control.store.StoreKeys}; the embedded store lives in a folder only its owner
 * can enter ({@link dev.pier.control.store.PrivateDirectory}).
 */
package dev.pier.control.store;
