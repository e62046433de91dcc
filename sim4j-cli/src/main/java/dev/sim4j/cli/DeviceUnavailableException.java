package dev.sim4j.cli;

/** A requested compute device (a GPU, a CUDA library) cannot be used; maps to {@link ExitCode#DEVICE_UNAVAILABLE}. */
public class DeviceUnavailableException extends RuntimeException {
    public DeviceUnavailableException(String message) {
        super(message);
    }
}
