/** The admin listener: Prometheus metrics, the control plane's API and dashboard; who may reach them (Host names, tokens, connection limits). */
package dev.pier.edge.admin;
