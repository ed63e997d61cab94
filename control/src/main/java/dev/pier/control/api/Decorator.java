package dev.pier.control.api;

/**
 * A concern that every route's handler goes through (authentication, authorization, limits, the
 * after-write hook), kept out of the handlers as Armeria keeps it out of its services: given a
 * route and the handler it wraps, the handler that does this concern's part and hands on. It is
 * applied once per route when the API is built, so a decorator that has nothing to do for a route
 * returns {@code next} itself.
 */
@FunctionalInterface
interface Decorator {

    Route.Handler decorate(Route route, Route.Handler next);
}
