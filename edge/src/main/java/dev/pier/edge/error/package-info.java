/**
 * Every way the edge ends a request by itself ({@link dev.pier.edge.error.EdgeError}, with its
 * status and whose fault it is) and the one exception that carries it
 * ({@link dev.pier.edge.error.EdgeException}).
 */
package dev.pier.edge.error;
