package dev.sim4j.cli.serve;

import picocli.CommandLine.Command;

/** {@code sim4j store}: the behaviour store that serving reads lifelong histories from. */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = "The behaviour store: every user's lifelong history on disk (RocksDB), indexed by user and "
                + "category, that serving searches.",
        subcommands = {StoreImportCommand.class, StoreStatsCommand.class})
public final class StoreCommand implements Runnable {
    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "Missing a subcommand: import or stats; see 'sim4j store --help'.");
    }
}
