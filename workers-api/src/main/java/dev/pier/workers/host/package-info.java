/**
 * What a host of Workers (the edge, the runtime) uses and provides: the deployed scripts by name.
 * Worker code has no use for it.
 */
package dev.pier.workers.host;
