package dev.orderly.surge;

import dev.orderly.surge.replay.ReplayCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * {@code surge}: replay an opening night against a running Orderly, or simulate one without a
 * server. Each subcommand is one class in the list below.
 *
 * <p>Exit codes: 0 done (and every invariant held), 1 the run finished but an invariant failed,
 * 2 bad arguments or scenario file, 3 a target cannot be reached or is not a demo deployment,
 * 4 the tool itself failed.
 */
@Command(name = "surge", mixinStandardHelpOptions = true, versionProvider = SurgeCli.Version.class,
        description = "Replays or simulates a vaccination booking opening night (see docs/surge.md).",
        subcommands = {
                ReplayCommand.class,
                dev.orderly.surge.walk.WalkCommand.class,
                dev.orderly.surge.simulate.SimulateCommand.class,
                HelpCommand.class,
        })
public final class SurgeCli implements java.util.concurrent.Callable<Integer> {
    public static final int OK = 0;
    public static final int INVARIANT_FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int TARGET_UNUSABLE = 3;
    public static final int TOOL_FAILED = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with the tool's converters and exit codes, for main and for tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SurgeCli());
        cli.registerConverter(java.time.Duration.class, DurationConverter.INSTANCE);
        cli.setExitCodeExceptionMapper(e -> TOOL_FAILED);
        return cli;
    }

    @Override
    public Integer call() {
        System.err.println("surge: name a subcommand: " + String.join(", ", spec.subcommands().keySet()));
        spec.commandLine().usage(System.err);
        return BAD_INPUT;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SurgeCli.class.getPackage().getImplementationVersion();
            return new String[] {"surge " + (v == null ? "(development build)" : v)};
        }
    }
}
