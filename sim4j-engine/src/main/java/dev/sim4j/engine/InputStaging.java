package dev.sim4j.engine;

/**
 * The way input batches enter a backend: one batch's tensors are written as a group and {@link #submit()}ted, so a
 * device backend can stage them in pinned host memory and copy them on a stream of their own while the previous
 * step still computes. The values are taken from the caller's arrays before {@code write} returns (the arrays may be
 * reused at once); kernels queued after {@code submit} see the new values.
 *
 * <p>The caller's side of the bargain, which makes double buffering safe without a host wait: the kernels that read a
 * group's tensors are queued before the next {@code submit}. A caller that alternates between two sets of input
 * tensors (as {@code BatchTensors} does) then lets the copy of batch i + 1 overlap the compute of batch i. A backend
 * may order a group's copies after every kernel queued before the previous submit when each of its tensors was last
 * written by this staging two or more groups ago, and must order them after every kernel queued so far otherwise (a
 * tensor written by the group just before, or one it has not seen: its memory may have been recycled from a step's
 * temporaries).
 *
 * <p>One staging per backend ({@link Backend#inputStaging()}), owned by it; not thread-safe, like the backend.
 */
public interface InputStaging {
    /** Stages {@code values} (as many as the tensor's size) for the I32 tensor {@code t}. */
    void write(Tensor t, int[] values);

    /** Stages {@code values} (as many as the tensor's size) for the float tensor {@code t}. */
    void write(Tensor t, float[] values);

    /** Ends the group: kernels queued from now on see its values. */
    void submit();

    /** A staging that writes at once through {@link Backend#write} (backends whose writes are synchronous). */
    static InputStaging direct(Backend backend) {
        return new InputStaging() {
            @Override
            public void write(Tensor t, int[] values) {
                backend.write(t, values);
            }

            @Override
            public void write(Tensor t, float[] values) {
                backend.write(t, values);
            }

            @Override
            public void submit() {
            }
        };
    }
}
