package dev.sim4j.cuda;

import java.util.List;

/**
 * The CUDA backend cannot start on this machine: no driver, no GPU, or a library missing. The message says what is
 * missing and where sim4j looked, in one line; {@link #reasons()} lists each cause.
 */
public final class CudaUnavailableException extends RuntimeException {
    private final List<String> reasons;

    public CudaUnavailableException(List<String> reasons) {
        super(String.join("; ", reasons));
        this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() {
        return reasons;
    }
}
