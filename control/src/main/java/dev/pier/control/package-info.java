/**
 * The control plane: the store ({@code store}), Cloudflare's API over it ({@code api}), and the
 * bridge between the store and the edge's configuration model ({@link dev.pier.control.StoredZones}),
 * which edge nodes follow to pick up every change within a second.
 */
package dev.pier.control;
