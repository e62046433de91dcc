package dev.sim4j.train;

/**
 * The run stopped because the JVM is shutting down (Ctrl-C, SIGTERM). By the time the training thread sees it, the
 * run's shutdown hook has removed the temporary files, written the report of what finished and told the user how to
 * continue (--resume), so there is nothing left to print: the CLI returns its "interrupted" code quietly.
 */
public final class RunInterruptedException extends RuntimeException {
    public RunInterruptedException() {
        super("interrupted", null, false, false);
    }
}
