package dev.sim4j.engine.cpu;

/**
 * Per-thread working arrays for the CPU kernels, one per {@link Slot}, grown to the largest size asked for and then
 * kept, so that a training or scoring step allocates nothing on the heap once its shapes have been seen (a step used
 * to allocate tens of megabytes of short-lived buffers: zeroing them cost time and the collector ran every second).
 *
 * <p>Per thread because a kernel's chunks run on the backend's threads at once, and a backend may be driven by
 * different threads over its life (a serving lane after warm-up); each thread only ever sees its own arrays. What an
 * array holds when it is handed out is whatever its thread left there: callers that accumulate clear it first.
 */
final class Scratch {
    /** The uses that may be live at the same time on one thread, each with its own array. */
    enum Slot {
        /** A product's B^T transposed into rows (the calling thread's, read by all threads during the product). */
        TRANSPOSED_B,
        /** A weight gradient's C^T, computed in that orientation (the calling thread's). */
        TRANSPOSED_C,
        /** A K-split product's partial products (the calling thread's). */
        SPLIT_K_PARTIALS,
        /** The GEMM block kernel's tail panel. */
        TAIL_PANEL,
        /** An activation's padded last vector, in a product's epilogue. */
        ACTIVATION_PAD,
        /** The AUGRU backward's per-row da terms. */
        RECURRENT_TERMS,
        /** A row's top-k selection keys. */
        TOP_K_KEYS,
        /** A row's keys or values staged for the attention kernels. */
        ATTENTION_ROW,
        /** A row's exponentials or sums in the attention kernels. */
        ATTENTION_SUMS,
        /** A second per-row double buffer of the attention kernels. */
        ATTENTION_ACC,
        /** Column sums' per-chunk partials (the calling thread's). */
        COLUMN_PARTIALS,
        /** Column sums' totals (the calling thread's). */
        COLUMN_TOTALS
    }

    private static final int SLOTS = Slot.values().length;

    private final ThreadLocal<Object[]> arrays = ThreadLocal.withInitial(() -> new Object[SLOTS]);

    /** Drops the calling thread's arrays (a closing backend's driving thread; worker threads end with it). */
    void release() {
        arrays.remove();
    }

    /** A float array of at least {@code n} elements for this thread's use of {@code slot}. */
    float[] floats(Slot slot, int n) {
        Object[] mine = arrays.get();
        if (!(mine[slot.ordinal()] instanceof float[] f) || f.length < n) {
            float[] fresh = new float[n];
            mine[slot.ordinal()] = fresh;
            return fresh;
        }
        return f;
    }

    /** A double array of at least {@code n} elements for this thread's use of {@code slot}. */
    double[] doubles(Slot slot, int n) {
        Object[] mine = arrays.get();
        if (!(mine[slot.ordinal()] instanceof double[] d) || d.length < n) {
            double[] fresh = new double[n];
            mine[slot.ordinal()] = fresh;
            return fresh;
        }
        return d;
    }

    /** A long array of at least {@code n} elements for this thread's use of {@code slot}. */
    long[] longs(Slot slot, int n) {
        Object[] mine = arrays.get();
        if (!(mine[slot.ordinal()] instanceof long[] l) || l.length < n) {
            long[] fresh = new long[n];
            mine[slot.ordinal()] = fresh;
            return fresh;
        }
        return l;
    }
}
