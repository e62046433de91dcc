package dev.sim4j.cli;

/**
 * A native library a command needs is not part of this installation (RocksDB in a GPU bundle); maps to
 * {@link ExitCode#DEVICE_UNAVAILABLE}, the code for what the machine or installation lacks.
 */
public final class MissingLibraryException extends RuntimeException {
    public MissingLibraryException(String message) {
        super(message);
    }
}
