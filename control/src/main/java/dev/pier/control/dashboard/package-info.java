/** The dashboard's pages, served as static files; they manage zones through the API. */
package dev.pier.control.dashboard;
