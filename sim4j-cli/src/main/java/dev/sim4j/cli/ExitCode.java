package dev.sim4j.cli;

/** The process exit codes of {@code sim4j}, one per failure class (documented in the README). */
public enum ExitCode {
    OK(0), INTERNAL_ERROR(1), USAGE(2), BAD_DATA(3), DEVICE_UNAVAILABLE(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
