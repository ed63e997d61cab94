/** The demo's built-in echo origin. */
package dev.pier.cli.demo;
