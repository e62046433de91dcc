package dev.sim4j.data;

/**
 * A problem with where the user asked sim4j to write: the output exists (and may not be replaced), a folder is not
 * writable, a disk is full. The message names the path (and the flag, where one chose it) and what to do. The CLI
 * maps it to the "output error" exit code and prints only the message.
 */
public class OutputException extends RuntimeException {
    public OutputException(String message) {
        super(message);
    }

    public OutputException(String message, Throwable cause) {
        super(message, cause);
    }
}
