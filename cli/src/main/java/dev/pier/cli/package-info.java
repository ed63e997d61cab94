/** The {@code pier} command line: {@code serve}, {@code demo} and {@code wscat}. */
package dev.pier.cli;
