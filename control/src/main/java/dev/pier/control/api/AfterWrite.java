package dev.pier.control.api;

/**
 * Runs an action after every authenticated request that may have written (any method but GET)
 * and was answered without an error: an edge in the same process applies the change at once.
 */
final class AfterWrite implements Decorator {

    private volatile Runnable action = () -> { };

    void set(Runnable action) {
        this.action = action;
    }

    @Override
    public Route.Handler decorate(Route route, Route.Handler next) {
        if (route.access() == Route.Access.PUBLIC || route.method().equals("GET")) {
            return next;
        }
        return call -> {
            ApiResponse response = next.handle(call);
            action.run();
            return response;
        };
    }
}
