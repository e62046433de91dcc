package dev.sim4j.train;

/**
 * A run would not fit in the JVM's heap: raised by {@link StepMemory#requireFits()} before any work starts. The
 * message gives the estimate, the heap and the fix ({@code SIM4J_JAVA_OPTS=-Xmx...}, or a smaller batch flag); the
 * CLI maps it to the out-of-memory exit code.
 */
public final class InsufficientMemoryException extends RuntimeException {
    public InsufficientMemoryException(String message) {
        super(message);
    }
}
