package dev.pier.cli;

import dev.pier.cli.control.ControlPlane;
import dev.pier.control.StoredZones;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pier import}: writes a YAML file's zones into a store (config as code). Each zone of
 * the file ends up with exactly the file's settings, proxied records and rulesets; zones the
 * file does not name are left alone. A file that does not load writes nothing.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Write a configuration file's zones into a store (the file is checked whole first).")
final class ImportCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML file whose zones to import.")
    Path config;

    @Mixin
    StoreOption store;

    @Override
    public Integer call() {
        try (ControlPlane control = store.open()) {
            List<String> zones = StoredZones.importYaml(config, control.store(), "pier import " + config.getFileName());
            System.out.println("imported " + zones.size() + " zone(s): " + String.join(", ", zones));
        }
        return 0;
    }
}
