package dev.pier.cli;

import dev.pier.cli.control.ControlPlane;
import dev.pier.control.StoredZones;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pier export}: prints a store's zones as YAML, in the configuration file's shape (`pier import` reads it back). */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Print a store's zones as YAML (config as code).")
final class ExportCommand implements Callable<Integer> {

    @Mixin
    StoreOption store;

    @Override
    public Integer call() {
        try (ControlPlane control = store.open()) {
            System.out.print(StoredZones.exportYaml(control.store()));
        }
        return 0;
    }
}
