package dev.sim4j.cli;

import dev.sim4j.cli.data.DataCommand;
import dev.sim4j.cli.serve.LoadtestCommand;
import dev.sim4j.cli.serve.ServeCommand;
import dev.sim4j.cli.serve.StoreCommand;
import dev.sim4j.cli.device.DoctorCommand;
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
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code sim4j} command: prepare data for, train, evaluate, benchmark and serve SIM, DIEN and DIN models. */
@Command(name = "sim4j",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Search-based Interest Model (SIM), DIEN and DIN for CTR prediction on long user-behaviour sequences.",
        subcommands = {SynthCommand.class, PreprocessCommand.class, SpecCommand.class, DataCommand.class, QuickstartCommand.class, TrainCommand.class, EvaluateCommand.class, BaselineCommand.class, PredictCommand.class, BenchmarkCommand.class, ReportCommand.class, DoctorCommand.class, StoreCommand.class, ServeCommand.class, LoadtestCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n")
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
        Map<String, String> codes = new LinkedHashMap<>();
        for (ExitCode c : ExitCode.values()) {
            codes.put(Integer.toString(c.code()), c.meaning());
        }
        cmd.getCommandSpec().usageMessage().exitCodeList(codes);
        cmd.setExecutionExceptionHandler(new ErrorReporter());
        cmd.setParameterExceptionHandler(new UsageErrorReporter());
        cmd.setExecutionStrategy(Sim4j::execute);
        cmd.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException
                ? ExitCode.USAGE.code() : ExitCode.INTERNAL_ERROR.code());
        return cmd;
    }

    /**
     * Runs the last command named, after refusing arguments picocli lets pass when help is asked for ({@code sim4j
     * serve --help} names an unknown command: a usage error, not the top-level help); an {@code OutOfMemoryError}
     * becomes one message with the fix instead of a stack trace.
     */
    private static int execute(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
            if (!r.unmatched().isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(r.commandSpec().commandLine(), r.unmatched());
            }
        }
        try {
            return new CommandLine.RunLast().execute(parseResult);
        } catch (OutOfMemoryError e) {
            CommandLine cmd = parseResult.commandSpec().commandLine();
            int code = ErrorReporter.report(e, cmd.getErr(), ErrorReporter.isVerbose(parseResult)).code();
            cmd.getErr().flush();
            return code;
        }
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(commandLine(out, err).execute(args));
    }
}
