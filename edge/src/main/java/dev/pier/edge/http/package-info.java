/**
 * The HTTP side of the data plane: the request phases from the request head to the origin's
 * response (validation, zone lookup, the websockets setting, origin connect, forwarding),
 * HTTP/1.1 proxying with streamed bodies, and the switch to the tunnel on a 101.
 */
package dev.pier.edge.http;
