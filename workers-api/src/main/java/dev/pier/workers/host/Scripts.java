package dev.pier.workers.host;

/**
 * The deployed Workers by name: the runtime keeps them (and swaps one when new code is deployed),
 * the edge asks for the one a route names at each request.
 */
@FunctionalInterface
public interface Scripts {

    /** None deployed. */
    Scripts NONE = name -> null;

    /** The script deployed under {@code name} now, or null. */
    Script find(String name);
}
