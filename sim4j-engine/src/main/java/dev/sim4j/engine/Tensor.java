package dev.sim4j.engine;

import java.util.Arrays;

/**
 * A dense, row-major tensor resident on one {@link Backend}'s device. Layers never touch its elements: they pass
 * tensors to backend kernels and move values to or from the host explicitly. Views ({@link #reshape}, {@link #rows})
 * share storage with their source.
 */
public interface Tensor extends AutoCloseable {
    DType dtype();

    /** The shape; callers must not modify the returned array. */
    int[] shape();

    Backend backend();

    default int rank() {
        return shape().length;
    }

    default int dim(int i) {
        return shape()[i < 0 ? shape().length + i : i];
    }

    default long size() {
        long n = 1;
        for (int d : shape()) {
            n *= d;
        }
        return n;
    }

    /** A view with another shape of the same size. */
    Tensor reshape(int... shape);

    /** A view of rows {@code from..to-1} along the first dimension. */
    Tensor rows(int from, int to);

    /** Frees device memory (a no-op for heap-backed CPU tensors); views must not be used after their source is closed. */
    @Override
    void close();

    static String describe(int[] shape) {
        return Arrays.toString(shape);
    }
}
