package dev.sim4j.cli.train;

import dev.sim4j.engine.cpu.CpuBackend;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The CPU backend options shared by the commands that run models (a picocli mixin). {@code --threads} is checked as
 * it is parsed, so a bad value is a usage error before any work starts.
 */
public final class CpuOptions {
    /** More threads than this is certainly a typo; the pool would only oversubscribe the cores. */
    static final int MAX_THREADS = 4096;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    private CommandSpec mixee;

    private Integer threads;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: the number of cores).")
    void setThreads(int n) {
        if (n < 1 || n > MAX_THREADS) {
            throw new CommandLine.ParameterException(mixee.commandLine(),
                    "--threads: must be between 1 and " + MAX_THREADS + ", got " + n);
        }
        threads = n;
    }

    /** The requested thread count, or null for the default (the number of cores). */
    Integer threads() {
        return threads;
    }

    /** A CPU backend with the requested threads; the caller closes it. */
    CpuBackend backend() {
        return threads == null ? new CpuBackend() : new CpuBackend(threads);
    }
}
