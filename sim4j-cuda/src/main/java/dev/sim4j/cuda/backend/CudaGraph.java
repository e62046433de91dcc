package dev.sim4j.cuda.backend;

import dev.sim4j.cuda.driver.CudaDriver;
import dev.sim4j.cuda.driver.Stream;
import dev.sim4j.engine.RecordedWork;
import java.lang.foreign.MemorySegment;

/**
 * A captured CUDA graph and its executable instance, replayed on the backend's compute stream, with the hold on the
 * device blocks its kernels use (so the caching allocator hands none of them to anyone else while it lives).
 */
final class CudaGraph implements RecordedWork {
    private final CudaDriver driver;
    private final Stream stream;
    private final MemorySegment graph;
    private final MemorySegment exec;
    private final AutoCloseable hold;
    private final Runnable onClose;
    private boolean closed;

    CudaGraph(CudaDriver driver, Stream stream, MemorySegment graph, MemorySegment exec, AutoCloseable hold,
              Runnable onClose) {
        this.driver = driver;
        this.stream = stream;
        this.graph = graph;
        this.exec = exec;
        this.hold = hold;
        this.onClose = onClose;
    }

    @Override
    public void replay() {
        if (closed) {
            throw new IllegalStateException("recorded work replayed after close");
        }
        driver.graphLaunch(exec, stream.handle());
    }

    /**
     * Frees the graph; its blocks go back to the pool (work queued later on the stream runs after any replay still
     * queued, so they can be reused at once).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        driver.graphExecDestroy(exec);
        driver.graphDestroy(graph);
        try {
            hold.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        onClose.run();
    }
}
