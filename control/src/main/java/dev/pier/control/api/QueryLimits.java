package dev.pier.control.api;

/**
 * Every route but the public ones: the query's parameters are one-line text
 * ({@link FieldLimits#queryParameters}), checked before the handler reads any.
 */
final class QueryLimits implements Decorator {

    @Override
    public Route.Handler decorate(Route route, Route.Handler next) {
        if (route.access() == Route.Access.PUBLIC) {
            return next;
        }
        return call -> {
            FieldLimits.queryParameters(call.request());
            return next.handle(call);
        };
    }
}
