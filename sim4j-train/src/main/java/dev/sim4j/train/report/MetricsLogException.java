package dev.sim4j.train.report;

/**
 * A metrics log that cannot be read or written: the message names the file and, for a bad line, its line number.
 */
public class MetricsLogException extends RuntimeException {
    public MetricsLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
