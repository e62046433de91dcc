package dev.sim4j.cli.spec;

import picocli.CommandLine.Command;

/** {@code sim4j spec}: check and convert datasets described by a feature_spec.yaml. */
@Command(name = "spec", mixinStandardHelpOptions = true,
        description = "Validate a dataset's feature_spec.yaml or convert the dataset to another file format.",
        subcommands = {ValidateCommand.class, ConvertCommand.class})
public final class SpecCommand implements Runnable {
    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "Missing a subcommand: validate or convert; see 'sim4j spec --help'.");
    }
}
