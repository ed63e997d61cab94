package dev.pier.cli;

import dev.pier.control.store.Ids;
import dev.pier.cli.control.ControlPlane;
import dev.pier.control.api.Permission;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pier token}: issues an API token straight into a store, for the first sign-in (later
 * ones can come the same way). The secret is printed once; only its hash is stored.
 */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Issue an API token (printed once, stored hashed).")
final class TokenCommand implements Callable<Integer> {


    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption store;

    @Option(names = "--name", required = true, description = "What the token is for; the audit log names it.")
    String name;

    @Option(names = "--permission", paramLabel = "PERMISSION", split = ",",
            description = "Permissions (default: all): ${COMPLETION-CANDIDATES}")
    List<Permission> permissions;

    @Option(names = "--zone", paramLabel = "ZONE_ID", split = ",", description = "Zones it may act on (default: every zone).")
    List<String> zones;

    @Override
    public Integer call() {
        Set<Permission> granted = permissions == null || permissions.isEmpty() ? EnumSet.allOf(Permission.class) : EnumSet.copyOf(permissions);
        try (ControlPlane control = store.open()) {
            // no --zone means every zone; a --zone that names none (blank, malformed, unknown)
            // must not quietly become that
            if (zones != null) {
                for (String zone : zones) {
                    if (!Ids.isId(zone) || control.store().zone(zone).isEmpty()) {
                        throw new ParameterException(spec.commandLine(),
                                "--zone: '" + zone + "' (expected: the id of a zone in the store, 32 hex characters)");
                    }
                }
            }
            String secret = control.api().credentials().issueToken(name, granted,
                    zones == null ? Set.of() : new LinkedHashSet<>(zones), "pier token");
            spec.commandLine().getOut().println("API token: " + secret);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
