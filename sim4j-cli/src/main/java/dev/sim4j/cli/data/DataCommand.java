package dev.sim4j.cli.data;

import picocli.CommandLine.Command;

/** {@code sim4j data}: look at a dataset's contents. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Look at a dataset's contents.",
        subcommands = {InspectCommand.class, SampleCommand.class})
public final class DataCommand implements Runnable {
    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "Missing a subcommand: inspect or sample; see 'sim4j data --help'.");
    }
}
