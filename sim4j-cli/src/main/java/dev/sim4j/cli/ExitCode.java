package dev.sim4j.cli;

/** The process exit codes of {@code sim4j}, one per failure class (documented in the README and in --help). */
public enum ExitCode {
    OK(0, "success"),
    INTERNAL_ERROR(1, "internal error (a bug: please report it with the --verbose output)"),
    USAGE(2, "usage error (unknown command or option, bad option value)"),
    BAD_DATA(3, "bad input data or feature spec (the message names the file, row and feature)"),
    DEVICE_UNAVAILABLE(4, "device or library unavailable (no usable GPU or CUDA library; no RocksDB in a GPU bundle)"),
    OUTPUT(5, "output error (output exists, folder not writable, disk full; the message names the path)"),
    OUT_OF_MEMORY(6, "out of memory (the message gives the memory needed and the fix)"),
    DIVERGED(7, "training diverged (the loss became NaN or infinite; the last good checkpoint is kept)"),
    INTERRUPTED(130, "interrupted (Ctrl-C or SIGTERM); a training run continues with --resume");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    /** One line for the help's exit-code list. */
    public String meaning() {
        return meaning;
    }
}
