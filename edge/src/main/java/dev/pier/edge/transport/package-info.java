/** Chooses the I/O transport: native epoll when it loads, NIO otherwise. */
package dev.pier.edge.transport;
