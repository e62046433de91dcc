package dev.sim4j.cuda.driver;

import java.lang.foreign.MemorySegment;

/** A CUDA stream: work on it runs in order; streams order against each other through {@link Event}s. */
public final class Stream implements AutoCloseable {
    private final CudaDriver driver;
    private final MemorySegment handle;
    private boolean closed;

    private Stream(CudaDriver driver, MemorySegment handle) {
        this.driver = driver;
        this.handle = handle;
    }

    /** A new non-blocking stream on the current context. */
    public static Stream create(CudaDriver driver) {
        return new Stream(driver, driver.streamCreate());
    }

    public MemorySegment handle() {
        return handle;
    }

    /** Waits on the host until everything queued on this stream has finished. */
    public void synchronize() {
        driver.streamSynchronize(handle);
    }

    /** Makes later work on this stream wait for {@code event} (recorded on any stream). */
    public void waitFor(Event event) {
        driver.streamWaitEvent(handle, event.handle());
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            driver.streamDestroy(handle);
        }
    }
}
