package dev.sim4j.cuda.driver;

import java.lang.foreign.MemorySegment;

/**
 * Page-locked host memory, the staging area for asynchronous copies to and from the device (pageable memory makes
 * every copy synchronous). Freed on {@link #close()}.
 */
public final class PinnedBuffer implements AutoCloseable {
    private final CudaDriver driver;
    private final MemorySegment segment;
    private boolean closed;

    private PinnedBuffer(CudaDriver driver, MemorySegment segment) {
        this.driver = driver;
        this.segment = segment;
    }

    public static PinnedBuffer allocate(CudaDriver driver, long bytes) {
        return new PinnedBuffer(driver, driver.memAllocHost(Math.max(1, bytes)));
    }

    /** The host memory; valid until close. */
    public MemorySegment segment() {
        if (closed) {
            throw new IllegalStateException("pinned buffer used after close");
        }
        return segment;
    }

    public long bytes() {
        return segment.byteSize();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            driver.memFreeHost(segment);
        }
    }
}
