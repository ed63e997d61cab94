package dev.pier.control.api;

/** Every route but the public ones: the call's token from its headers ({@link Credentials#authenticate}), or Cloudflare's refusal. */
final class Authentication implements Decorator {

    private final Credentials credentials;

    Authentication(Credentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public Route.Handler decorate(Route route, Route.Handler next) {
        if (route.access() == Route.Access.PUBLIC) {
            return next;
        }
        return call -> next.handle(call.withToken(credentials.authenticate(call.request())));
    }
}
