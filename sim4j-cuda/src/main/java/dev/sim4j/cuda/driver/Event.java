package dev.sim4j.cuda.driver;

import java.lang.foreign.MemorySegment;

/** A CUDA event: orders streams, and times device work (host clocks around asynchronous launches time nothing). */
public final class Event implements AutoCloseable {
    private final CudaDriver driver;
    private final MemorySegment handle;
    private boolean closed;

    private Event(CudaDriver driver, MemorySegment handle) {
        this.driver = driver;
        this.handle = handle;
    }

    /** A new event; {@code timing} false for one used only to order streams. */
    public static Event create(CudaDriver driver, boolean timing) {
        return new Event(driver, driver.eventCreate(timing));
    }

    public MemorySegment handle() {
        return handle;
    }

    public void record(Stream stream) {
        driver.eventRecord(handle, stream.handle());
    }

    public void synchronize() {
        driver.eventSynchronize(handle);
    }

    /** Milliseconds of device time from {@code start} to this event (both recorded and complete). */
    public float millisSince(Event start) {
        return driver.eventElapsedMillis(start.handle, handle);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            driver.eventDestroy(handle);
        }
    }
}
