package dev.sim4j.cli.train;

import dev.sim4j.engine.cpu.CpuBackend;
import picocli.CommandLine.Option;

/** The CPU backend options shared by the commands that run models (a picocli mixin). */
public final class CpuOptions {
    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: the number of cores).")
    Integer threads;

    /** A CPU backend with the requested threads; the caller closes it. */
    CpuBackend backend() {
        return threads == null ? new CpuBackend() : new CpuBackend(threads);
    }
}
