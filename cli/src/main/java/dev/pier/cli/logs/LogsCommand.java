package dev.pier.cli.logs;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pier logs}: the zone's request logs; {@code tail} follows them live. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "A zone's request logs.",
        subcommands = {TailCommand.class})
public final class LogsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
