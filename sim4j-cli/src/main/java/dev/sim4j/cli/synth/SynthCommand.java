package dev.sim4j.cli.synth;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sim4j synth}: generate synthetic raw data with planted, learnable structure. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Generate synthetic raw data in real dump formats, with planted structure models can learn.",
        subcommands = {AmazonSynthCommand.class})
public final class SynthCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a subcommand: amazon; see 'sim4j synth --help'.");
    }
}
