package dev.pier.workers;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * The hosts a node installs behind one of the runtime's static entry points ({@link Fetch},
 * {@link Timers}), latest first: nodes started in one JVM (tests) each install theirs, the latest
 * installed wins, and uninstalling it hands back to the one before.
 */
final class Installed<H> {

    private final Deque<H> hosts = new ArrayDeque<>(1);

    synchronized void install(H host) {
        hosts.push(Objects.requireNonNull(host, "host"));
    }

    synchronized void uninstall(H host) {
        hosts.remove(host);
    }

    /** The latest installed host, or null when none is. */
    synchronized H current() {
        return hosts.peek();
    }
}
