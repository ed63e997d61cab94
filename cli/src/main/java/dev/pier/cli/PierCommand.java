package dev.pier.cli;

import dev.pier.cli.logs.LogsCommand;
import dev.pier.cli.wscat.WscatCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command; each subcommand is a class of its own. */
@Command(name = "pier",
        mixinStandardHelpOptions = true,
        versionProvider = PierCommand.Version.class,
        description = "A self-hosted WebSocket edge: proxies HTTP and WebSockets to origins, per zone.",
        subcommands = {ServeCommand.class, DemoCommand.class, ImportCommand.class, ExportCommand.class, TokenCommand.class, TrainCommand.class, WscatCommand.class, LogsCommand.class, CommandLine.HelpCommand.class})
public final class PierCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Netty's leak detector samples one buffer in 128 with a stack trace and marks every
        // message as it passes a handler: CPU on the hot path that a running node does not need
        // (the tests run with it on). -Dio.netty.leakDetection.level=simple turns it back on.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line with Pier's error handling: one clear sentence, no stack trace. */
    public static CommandLine commandLine() {
        return new CommandLine(new PierCommand())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("pier: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                    return 1;
                });
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PierCommand.class.getPackage().getImplementationVersion();
            return new String[] {"pier " + (v == null ? "development build" : v)};
        }
    }
}
