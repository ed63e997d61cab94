/** The admin listener: Prometheus metrics now; the control plane's API and dashboard join it later. */
package dev.pier.edge.admin;
