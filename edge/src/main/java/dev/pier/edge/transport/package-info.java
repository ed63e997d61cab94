/**
 * The I/O transport (native epoll when it loads, NIO otherwise, io_uring when asked for), the
 * socket options client and origin channels share, the wire byte counter, and {@link
 * dev.pier.edge.transport.PortReservation}, which holds a process's ports before it listens on
 * any.
 */
package dev.pier.edge.transport;
