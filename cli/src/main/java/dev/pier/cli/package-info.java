/**
 * The {@code pier} command line: {@code serve} (an edge from a YAML file, or with the control
 * plane over a store), {@code demo}, {@code token}, {@code import} and {@code export}, and
 * {@code wscat}; and what runs a node: the config file watcher, the takeover of a running
 * node's sockets, and the servers that run beside an edge (the demo's origin).
 */
package dev.pier.cli;
