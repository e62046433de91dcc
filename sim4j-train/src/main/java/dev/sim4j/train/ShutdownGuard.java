package dev.sim4j.train;

/**
 * For the duration of one run, a JVM shutdown hook (Ctrl-C, SIGTERM) that stops the run cleanly. The training thread
 * writes each checkpoint, the log cut of a resume and the final summary and report as one section through
 * {@link #atomically}; a shutdown waits for a section that is running to end and then runs the run's clean-up, and a
 * section that has not started yet does not start ({@link RunInterruptedException}). The training thread also calls
 * {@link #check()} after every step, so it stops within a step. The hook is removed when the run ends ({@link #close}).
 *
 * <p>The hook cannot set the exit code: the JVM exits with 128 + the signal number, 130 for SIGINT (Ctrl-C) and 143
 * for SIGTERM.
 */
final class ShutdownGuard implements AutoCloseable {
    private final Object lock = new Object();
    private final Thread hook;
    private volatile boolean stopping;
    /** Guarded by {@link #lock}: the run has finished (its report is written), so a shutdown has nothing to do. */
    private boolean finished;

    /** Registers the hook; {@code cleanUp} runs in it, at most once, unless the run has finished. */
    ShutdownGuard(Runnable cleanUp) {
        this.hook = new Thread(() -> {
            stopping = true;
            synchronized (lock) {
                if (!finished) {
                    cleanUp.run();
                }
            }
        }, "sim4j-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Throws {@link RunInterruptedException} once a shutdown has begun. */
    void check() {
        if (stopping) {
            throw new RunInterruptedException();
        }
    }

    /** Runs {@code section} unless a shutdown has begun; a shutdown that begins meanwhile waits for it. */
    void atomically(Runnable section) {
        synchronized (lock) {
            check();
            section.run();
        }
    }

    /** As {@link #atomically}, for the run's last section: after it, a shutdown does nothing. */
    void finish(Runnable section) {
        synchronized (lock) {
            check();
            section.run();
            finished = true;
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook is running or has run, and must stay.
        }
    }
}
