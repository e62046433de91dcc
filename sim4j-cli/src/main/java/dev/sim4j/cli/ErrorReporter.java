package dev.sim4j.cli;

import dev.sim4j.data.DataException;
import dev.sim4j.data.OutputException;
import dev.sim4j.train.InsufficientMemoryException;
import dev.sim4j.train.TrainingDivergedException;
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
        ExitCode code = report(ex, err, verbose);
        err.flush();
        return code.code();
    }

    /** Prints the message for {@code t} (with its stack trace when verbose) and returns its exit code. */
    static ExitCode report(Throwable t, PrintWriter err, boolean verbose) {
        ExitCode code;
        if (t instanceof DataException) {
            err.println("error: " + t.getMessage());
            code = ExitCode.BAD_DATA;
        } else if (t instanceof OutputException) {
            err.println("error: " + t.getMessage());
            code = ExitCode.OUTPUT;
        } else if (t instanceof TrainingDivergedException) {
            err.println("error: " + t.getMessage());
            code = ExitCode.DIVERGED;
        } else if (t instanceof MissingLibraryException) {
            err.println("error: " + t.getMessage());
            code = ExitCode.DEVICE_UNAVAILABLE;
        } else if (t instanceof DeviceUnavailableException) {
            err.println("error: device unavailable: " + t.getMessage());
            code = ExitCode.DEVICE_UNAVAILABLE;
        } else if (t instanceof InsufficientMemoryException) {
            err.println("error: " + t.getMessage());
            code = ExitCode.OUT_OF_MEMORY;
        } else if (t instanceof OutOfMemoryError) {
            err.println("error: out of memory (" + t.getMessage() + "). Give the JVM more heap, for example "
                    + "SIM4J_JAVA_OPTS=-Xmx16g, or lower --micro-batch-size (training) or --batch-size (evaluate, "
                    + "predict, benchmark).");
            code = ExitCode.OUT_OF_MEMORY;
        } else {
            err.println("internal error: " + t + (verbose ? "" : " (run again with --verbose for the stack trace)"));
            code = ExitCode.INTERNAL_ERROR;
        }
        if (verbose) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            err.print(trace);
        }
        return code;
    }

    static boolean isVerbose(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
