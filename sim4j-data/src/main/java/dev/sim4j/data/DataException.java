package dev.sim4j.data;

/**
 * A problem with the user's data or feature spec: the message names the file, row or byte offset, feature and
 * what to do. The CLI maps it to the "bad data" exit code and prints only the message.
 */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
