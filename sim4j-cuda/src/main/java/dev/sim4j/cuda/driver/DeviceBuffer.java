package dev.sim4j.cuda.driver;

/**
 * Device memory of a fixed size, owned by this object: freed on {@link #close()} (once). Other objects hold its
 * {@link #address()} only while the buffer is open.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final CudaDriver driver;
    private final long address;
    private final long bytes;
    private boolean closed;

    private DeviceBuffer(CudaDriver driver, long address, long bytes) {
        this.driver = driver;
        this.address = address;
        this.bytes = bytes;
    }

    /** Allocates {@code bytes} (at least 1) of device memory in the current context. */
    public static DeviceBuffer allocate(CudaDriver driver, long bytes) {
        long size = Math.max(1, bytes);
        return new DeviceBuffer(driver, driver.memAlloc(size), size);
    }

    public long address() {
        if (closed) {
            throw new IllegalStateException("device buffer of " + bytes + " bytes used after close");
        }
        return address;
    }

    public long bytes() {
        return bytes;
    }

    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            driver.memFree(address);
        }
    }
}
