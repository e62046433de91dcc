package dev.sim4j.cuda;

import dev.sim4j.cuda.cublas.Cublas;
import dev.sim4j.cuda.driver.CudaDriver;
import dev.sim4j.cuda.lib.LibraryLocator;
import dev.sim4j.cuda.lib.NativeLibrary;
import dev.sim4j.cuda.nvrtc.Nvrtc;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What this machine offers the CUDA backend, looked at one library at a time so that a missing one does not hide
 * the others: for {@code sim4j doctor}. Never throws for a missing piece; it reports it.
 */
public final class CudaProbe {
    /**
     * One library: where it was found and its version, or why not.
     *
     * @param name    what it is ("CUDA driver", "NVRTC", "cuBLAS")
     * @param where   path and how it was found, or null when missing
     * @param version its version, or null
     * @param problem why it is missing or unusable, or null
     */
    public record Library(String name, String where, String version, String problem) {
    }

    /** One GPU as the driver reports it. */
    public record Gpu(int ordinal, String name, long memoryBytes, String architecture, int multiprocessors) {
    }

    /** Everything found: the libraries in order (driver, NVRTC, cuBLAS), the driver's CUDA version, the GPUs. */
    public record Report(List<Library> libraries, String driverCudaVersion, List<Gpu> gpus) {
        /** Whether the CUDA backend can start. */
        public boolean usable() {
            return !gpus.isEmpty() && libraries.stream().allMatch(l -> l.problem() == null);
        }
    }

    private CudaProbe() {
    }

    public static Report probe(LibraryLocator locator) {
        List<Library> libs = new ArrayList<>();
        List<Gpu> gpus = new ArrayList<>();
        String driverVersion = null;
        try (Arena arena = Arena.ofConfined()) {
            Optional<NativeLibrary> cuda = locator.load(CudaLibraries.DRIVER, arena);
            if (cuda.isEmpty()) {
                libs.add(new Library("CUDA driver", null, null, locator.describeSearch(CudaLibraries.DRIVER)));
            } else {
                try {
                    CudaDriver driver = new CudaDriver(cuda.get());
                    driver.init();
                    int v = driver.driverVersion();
                    driverVersion = (v / 1000) + "." + (v % 1000) / 10;
                    for (int i = 0; i < driver.deviceCount(); i++) {
                        int d = driver.device(i);
                        gpus.add(new Gpu(i, driver.deviceName(d), driver.deviceTotalMemory(d),
                                "sm_" + driver.deviceAttribute(d, CudaDriver.ATTR_COMPUTE_CAPABILITY_MAJOR)
                                        + driver.deviceAttribute(d, CudaDriver.ATTR_COMPUTE_CAPABILITY_MINOR),
                                driver.deviceAttribute(d, CudaDriver.ATTR_MULTIPROCESSOR_COUNT)));
                    }
                    libs.add(new Library("CUDA driver", cuda.get().where(), "CUDA " + driverVersion,
                            gpus.isEmpty() ? "the driver sees no GPU" : null));
                } catch (CudaException | UnsatisfiedLinkError e) {
                    libs.add(new Library("CUDA driver", cuda.get().where(), null, e.getMessage()));
                }
            }
            Optional<NativeLibrary> rtc = locator.load(CudaLibraries.NVRTC, arena);
            if (rtc.isEmpty()) {
                libs.add(new Library("NVRTC", null, null, locator.describeSearch(CudaLibraries.NVRTC)));
            } else {
                try {
                    libs.add(new Library("NVRTC", rtc.get().where(), new Nvrtc(rtc.get()).version(), null));
                } catch (CudaException | UnsatisfiedLinkError e) {
                    libs.add(new Library("NVRTC", rtc.get().where(), null, e.getMessage()));
                }
            }
            Optional<NativeLibrary> blas = locator.load(CudaLibraries.CUBLAS, arena);
            if (blas.isEmpty()) {
                libs.add(new Library("cuBLAS", null, null, locator.describeSearch(CudaLibraries.CUBLAS)));
            } else {
                try {
                    libs.add(new Library("cuBLAS", blas.get().where(), new Cublas(blas.get()).libraryVersion(), null));
                } catch (CudaException | UnsatisfiedLinkError e) {
                    libs.add(new Library("cuBLAS", blas.get().where(), null, e.getMessage()));
                }
            }
        }
        return new Report(List.copyOf(libs), driverVersion, List.copyOf(gpus));
    }
}
