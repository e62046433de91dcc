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
 * The CUDA libraries of this process, loaded once and kept loaded until {@link #close()}: the driver API (required,
 * with at least one GPU), NVRTC and cuBLAS. {@link #open} fails with one {@link CudaUnavailableException} listing
 * everything that is missing.
 */
public final class CudaLibraries implements AutoCloseable {
    /** The names each library is looked up by, newest major version first. */
    public static final List<String> DRIVER = List.of("libcuda.so.1", "libcuda.so");
    public static final List<String> NVRTC = List.of("libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so");
    public static final List<String> CUBLAS = List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so");

    private final Arena arena;
    private final CudaDriver driver;
    private final Nvrtc nvrtc;
    private final Cublas cublas;
    private final int deviceCount;

    private CudaLibraries(Arena arena, CudaDriver driver, Nvrtc nvrtc, Cublas cublas, int deviceCount) {
        this.arena = arena;
        this.driver = driver;
        this.nvrtc = nvrtc;
        this.cublas = cublas;
        this.deviceCount = deviceCount;
    }

    /** Loads everything the CUDA backend needs, or throws naming each missing piece. */
    public static CudaLibraries open(LibraryLocator locator) {
        Arena arena = Arena.ofShared();
        List<String> missing = new ArrayList<>();
        try {
            Optional<NativeLibrary> cuda = locator.load(DRIVER, arena);
            Optional<NativeLibrary> rtc = locator.load(NVRTC, arena);
            Optional<NativeLibrary> blas = locator.load(CUBLAS, arena);
            CudaDriver driver = null;
            int devices = 0;
            if (cuda.isEmpty()) {
                missing.add("no NVIDIA driver: " + locator.describeSearch(DRIVER));
            } else {
                driver = new CudaDriver(cuda.get());
                try {
                    driver.init();
                    devices = driver.deviceCount();
                    if (devices == 0) {
                        missing.add("the NVIDIA driver sees no GPU");
                    }
                } catch (CudaException e) {
                    missing.add("the NVIDIA driver did not start: " + e.getMessage());
                }
            }
            if (rtc.isEmpty()) {
                missing.add("no NVRTC (CUDA runtime compiler): " + locator.describeSearch(NVRTC));
            }
            if (blas.isEmpty()) {
                missing.add("no cuBLAS: " + locator.describeSearch(CUBLAS));
            }
            if (!missing.isEmpty()) {
                arena.close();
                throw new CudaUnavailableException(missing);
            }
            return new CudaLibraries(arena, driver, new Nvrtc(rtc.get()), new Cublas(blas.get()), devices);
        } catch (UnsatisfiedLinkError e) {
            arena.close();
            throw new CudaUnavailableException(List.of(e.getMessage()));
        }
    }

    public CudaDriver driver() {
        return driver;
    }

    public Nvrtc nvrtc() {
        return nvrtc;
    }

    public Cublas cublas() {
        return cublas;
    }

    public int deviceCount() {
        return deviceCount;
    }

    @Override
    public void close() {
        arena.close();
    }
}
