package dev.pier.workers.host;

import dev.pier.workers.Env;
import dev.pier.workers.Worker;
import java.util.Objects;

/**
 * A deployed Worker: the name routes use for it, its code and its bindings.
 *
 * @param name   the script's name, as in Cloudflare's {@code workers_routes} ({@code [a-z0-9_-]+})
 * @param worker its code
 * @param env    its bindings
 */
public record Script(String name, Worker worker, Env env) {

    public Script {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(env, "env");
    }
}
