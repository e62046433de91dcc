package dev.sim4j.cli;

import dev.sim4j.cli.data.DataCommand;
import dev.sim4j.cli.preprocess.PreprocessCommand;
import dev.sim4j.cli.spec.SpecCommand;
import dev.sim4j.cli.synth.SynthCommand;
import dev.sim4j.cli.train.BaselineCommand;
import dev.sim4j.cli.train.BenchmarkCommand;
import dev.sim4j.cli.train.EvaluateCommand;
import dev.sim4j.cli.train.PredictCommand;
import dev.sim4j.cli.train.QuickstartCommand;
import dev.sim4j.cli.train.ReportCommand;
import dev.sim4j.cli.train.TrainCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code sim4j} command: prepare data for, train, evaluate, benchmark and serve SIM, DIEN and DIN models. */
@Command(name = "sim4j",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Search-based Interest Model (SIM), DIEN and DIN for CTR prediction on long user-behaviour sequences.",
        subcommands = {SynthCommand.class, PreprocessCommand.class, SpecCommand.class, DataCommand.class, QuickstartCommand.class, TrainCommand.class, EvaluateCommand.class, BaselineCommand.class, PredictCommand.class, BenchmarkCommand.class, ReportCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:internal error (a bug: please report it with the --verbose output)",
            "2:usage error (unknown command or option, bad option value)",
            "3:bad input data or feature spec (the message names the file, row and feature)",
            "4:device unavailable (no usable GPU or CUDA library)"
        })
public final class Sim4j implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces with errors.")
    private boolean verbose;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command; see 'sim4j --help'.");
    }

    /** A configured command line writing to the given streams (tests capture them). */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new Sim4j());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler(new ErrorReporter());
        cmd.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException
                ? ExitCode.USAGE.code() : ExitCode.INTERNAL_ERROR.code());
        return cmd;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(commandLine(out, err).execute(args));
    }
}
