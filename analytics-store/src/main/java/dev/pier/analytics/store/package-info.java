/**
 * The analytics store: request log records kept by RayID (a record inserted twice counts once),
 * aggregated by time bucket and dimension for a zone ({@link dev.pier.analytics.store.AnalyticsQuery}),
 * rolled up by minute, hour and day past each zone's raw retention. Two implementations answer
 * the same contract: embedded DuckDB (a file in the data directory) and PostgreSQL (several nodes).
 * {@link dev.pier.analytics.store.StoreShippingSink} ships a node's records to a store through a spool on disk;
 * {@link dev.pier.analytics.store.PostgresLiveWebSockets} shares the nodes' open WebSockets through PostgreSQL.
 */
package dev.pier.analytics.store;
