package dev.sim4j.preprocess.synth;

/** Told how far a generation has come, so that a command line can draw a progress bar. */
public interface SynthProgress {
    /** Quiet. */
    SynthProgress NONE = (task, done, total) -> { };

    /**
     * @param task  what is being written ("reviews", "metadata")
     * @param done  units (users or items) written so far
     * @param total units in all
     */
    void update(String task, long done, long total);
}
