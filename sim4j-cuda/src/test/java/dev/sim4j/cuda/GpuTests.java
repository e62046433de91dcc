package dev.sim4j.cuda;

import dev.sim4j.cuda.lib.LibraryLocator;
import org.junit.jupiter.api.Assumptions;

/**
 * The one door of the GPU tests: the CUDA libraries when this machine has a GPU, otherwise the test is skipped with
 * the reason printed (CI has no GPU; {@code docs/gpu.md} says how to run these on a GPU machine).
 */
public final class GpuTests {
    private GpuTests() {
    }

    /** The loaded libraries, or a skipped test that says what is missing. */
    public static CudaLibraries librariesOrSkip() {
        try {
            return CudaLibraries.open(LibraryLocator.fromEnvironment());
        } catch (CudaUnavailableException e) {
            String reason = "GPU tests skipped: " + e.getMessage();
            System.out.println("[sim4j] " + reason);
            Assumptions.abort(reason);
            throw e;
        }
    }
}
