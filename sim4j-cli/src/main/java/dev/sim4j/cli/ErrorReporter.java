package dev.sim4j.cli;

import dev.sim4j.data.DataException;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Turns an exception from a command into one clear message and an exit code: user errors print only their
 * message; anything else is reported as an internal error. {@code --verbose} adds the stack trace.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        boolean verbose = isVerbose(parseResult);
        ExitCode code;
        if (ex instanceof DataException) {
            err.println("error: " + ex.getMessage());
            code = ExitCode.BAD_DATA;
        } else if (ex instanceof DeviceUnavailableException) {
            err.println("error: device unavailable: " + ex.getMessage());
            code = ExitCode.DEVICE_UNAVAILABLE;
        } else {
            err.println("internal error: " + ex + (verbose ? "" : " (run again with --verbose for the stack trace)"));
            code = ExitCode.INTERNAL_ERROR;
        }
        if (verbose) {
            StringWriter trace = new StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            err.print(trace);
        }
        err.flush();
        return code.code();
    }

    private static boolean isVerbose(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
