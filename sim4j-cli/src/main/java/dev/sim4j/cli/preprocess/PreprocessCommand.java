package dev.sim4j.cli.preprocess;

import picocli.CommandLine.Command;

/** {@code sim4j preprocess}: raw dumps to training datasets. */
@Command(name = "preprocess", mixinStandardHelpOptions = true,
        description = "Turn a raw dump into a dataset (feature_spec.yaml + data) with the reference's semantics.",
        subcommands = {AmazonCommand.class})
public final class PreprocessCommand implements Runnable {
    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "Missing a subcommand: amazon; see 'sim4j preprocess --help'.");
    }
}
