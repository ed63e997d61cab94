/**
 * The control plane inside the {@code pier} process: the store it opens, Cloudflare's API on
 * the admin listener, and the follower that applies every stored change to the edge.
 */
package dev.pier.cli.control;
