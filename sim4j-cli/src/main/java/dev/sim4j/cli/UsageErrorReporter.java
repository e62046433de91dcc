package dev.sim4j.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Prints a usage error as one {@code error:} line plus one line pointing to the command's {@code --help}, instead of
 * picocli's default of the message followed by the whole usage text. Unknown words come first (a mistyped option
 * otherwise surfaces as a "missing required option"), and options are named by sim4j's own spelling.
 */
final class UsageErrorReporter implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + message(ex, cmd));
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return ExitCode.USAGE.code();
    }

    static String message(CommandLine.ParameterException ex, CommandLine cmd) {
        List<String> unmatched = ex instanceof CommandLine.UnmatchedArgumentException u ? u.getUnmatched()
                : cmd.getParseResult() != null ? cmd.getParseResult().unmatched() : List.of();
        if (!unmatched.isEmpty()) {
            String first = unmatched.getFirst();
            if (first.startsWith("-")) {
                return "unknown option '" + first + "' for '" + cmd.getCommandSpec().qualifiedName() + "'";
            }
            if (!cmd.getSubcommands().isEmpty()) {
                return "unknown command '" + first + "' (the commands of '" + cmd.getCommandSpec().qualifiedName()
                        + "' are " + String.join(", ", cmd.getSubcommands().keySet()) + ")";
            }
            return "unexpected argument '" + first + "'";
        }
        if (ex instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().stream().allMatch(ArgSpec::isOption) && ex.getMessage().startsWith("Missing required option")) {
            return "missing required option" + (m.getMissing().size() > 1 ? "s " : " ") + m.getMissing().stream()
                    .map(a -> ((OptionSpec) a).names()[0] + " " + a.paramLabel()).collect(Collectors.joining(", "));
        }
        return ex.getMessage();
    }
}
