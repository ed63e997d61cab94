/**
 * The WAF on the request phases (and so on every WebSocket upgrade request, never after the
 * 101): a zone's custom rules, written in the Rules language, evaluated in order.
 */
package dev.pier.edge.waf;
