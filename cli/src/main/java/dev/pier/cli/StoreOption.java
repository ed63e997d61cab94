package dev.pier.cli;

import dev.pier.cli.control.ControlPlane;
import picocli.CommandLine.Option;

/** The {@code --store} option of the commands that work on a store directly (import, export, token). */
final class StoreOption {

    @Option(names = "--store", required = true, paramLabel = "STORE",
            description = "embedded:DIR or jdbc:postgresql://HOST:PORT/DB?user=NAME")
    String store;

    ControlPlane open() {
        return ControlPlane.open(store);
    }
}
