/** What both ends of the edge need of RFC 6455's handshake: the accept value a key calls for. */
package dev.pier.edge.websocket;
