package dev.sim4j.cuda.driver;

import java.lang.foreign.MemorySegment;

/**
 * One GPU with its primary context retained and made current on the opening thread: what the device is (name,
 * memory, compute capability, multiprocessors), and the owner of the context's lifetime. Closing releases the
 * context; close everything allocated on the device first.
 */
public final class CudaDevice implements AutoCloseable {
    private final CudaDriver driver;
    private final int ordinal;
    private final int handle;
    private final MemorySegment context;
    private final String name;
    private final long totalMemory;
    private final int major;
    private final int minor;
    private final int multiprocessors;
    private boolean closed;

    private CudaDevice(CudaDriver driver, int ordinal) {
        this.driver = driver;
        this.ordinal = ordinal;
        this.handle = driver.device(ordinal);
        this.name = driver.deviceName(handle);
        this.totalMemory = driver.deviceTotalMemory(handle);
        this.major = driver.deviceAttribute(handle, CudaDriver.ATTR_COMPUTE_CAPABILITY_MAJOR);
        this.minor = driver.deviceAttribute(handle, CudaDriver.ATTR_COMPUTE_CAPABILITY_MINOR);
        this.multiprocessors = driver.deviceAttribute(handle, CudaDriver.ATTR_MULTIPROCESSOR_COUNT);
        this.context = driver.primaryContextRetain(handle);
        driver.contextSetCurrent(context);
    }

    /** Opens device {@code ordinal} (0-based) and makes its primary context current on this thread. */
    public static CudaDevice open(CudaDriver driver, int ordinal) {
        return new CudaDevice(driver, ordinal);
    }

    /** Makes this device's context current on the calling thread (each thread that launches work must). */
    public void makeCurrent() {
        driver.contextSetCurrent(context);
    }

    public CudaDriver driver() {
        return driver;
    }

    public int ordinal() {
        return ordinal;
    }

    public String name() {
        return name;
    }

    public long totalMemory() {
        return totalMemory;
    }

    /** The compute capability as NVRTC's architecture name, e.g. {@code sm_90}. */
    public String architecture() {
        return "sm_" + major + minor;
    }

    public int computeCapabilityMajor() {
        return major;
    }

    public int computeCapabilityMinor() {
        return minor;
    }

    public int multiprocessors() {
        return multiprocessors;
    }

    /** Waits for all work on the device. */
    public void synchronize() {
        driver.contextSynchronize();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            driver.primaryContextRelease(handle);
        }
    }
}
