package dev.sim4j.engine;

/**
 * Device work recorded once and queued again without the host code that queued it (on the GPU, a CUDA graph): the
 * same kernels on the same tensors, so a replay sees whatever those tensors hold then. Made by
 * {@link Backend#recordAndRun}. Closing frees the recording and the temporaries it keeps.
 */
public interface RecordedWork extends AutoCloseable {
    /** Queues one more run of the recorded work. */
    void replay();

    @Override
    void close();
}
