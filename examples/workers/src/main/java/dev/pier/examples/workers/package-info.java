/** Example Workers, written as a user writes them against {@code pier-workers-api}. */
package dev.pier.examples.workers;
