package dev.sim4j.engine;

import java.util.List;

/**
 * Device time per kernel, for a backend that can measure it (the CUDA backend, with events around every launch):
 * {@link #start()}, run the work, {@link #stop()}. Measuring adds a little host work per launch, so time the
 * throughput separately. Obtained from {@link Backend#kernelTimes()}.
 */
public interface KernelTimes {
    /** Begins recording (forgetting anything recorded before). */
    void start();

    /** Ends recording, waits for the device, and returns one entry per kernel, the largest total time first. */
    List<Entry> stop();

    /**
     * One kernel's launches while recording.
     *
     * @param family the kernel family (dense, embeddings, attention, recurrent, losses, optimizers; cublas for products)
     * @param kernel the kernel's name
     * @param calls  launches
     * @param millis their device time in milliseconds, summed
     */
    record Entry(String family, String kernel, long calls, double millis) {
    }
}
