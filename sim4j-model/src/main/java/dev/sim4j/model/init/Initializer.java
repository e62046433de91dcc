package dev.sim4j.model.init;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A host-side initialiser: the initial values of a parameter of the given shape, drawn from {@code rng} (row-major,
 * computed in double). Dense kernels have shape [in, out] as in checkpoint-format.md.
 */
@FunctionalInterface
public interface Initializer {
    double[] values(int[] shape, SplittableRandom rng);

    private static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    /** Every value {@code v}. */
    static Initializer constant(double v) {
        return (shape, rng) -> {
            double[] out = new double[size(shape)];
            Arrays.fill(out, v);
            return out;
        };
    }

    /** Zeros (biases). */
    static Initializer zeros() {
        return constant(0);
    }

    /** Uniform in [-limit, +limit). */
    static Initializer uniform(double limit) {
        return (shape, rng) -> {
            double[] out = new double[size(shape)];
            for (int k = 0; k < out.length; k++) {
                out[k] = rng.nextDouble(-limit, limit);
            }
            return out;
        };
    }

    /** Embedding tables [rows, E]: uniform(-sqrt(1/rows), +sqrt(1/rows)) (the reference's initialiser). */
    static Initializer embeddingUniform() {
        return (shape, rng) -> uniform(Math.sqrt(1.0 / shape[0])).values(shape, rng);
    }

    /** Glorot (Xavier) uniform for a kernel [in, out]: limit sqrt(6 / (in + out)), as Keras' default. */
    static Initializer glorotUniform() {
        return (shape, rng) -> {
            if (shape.length != 2) {
                throw new IllegalArgumentException("glorot-uniform needs a 2-D kernel, got " + Arrays.toString(shape));
            }
            return uniform(Math.sqrt(6.0 / (shape[0] + shape[1]))).values(shape, rng);
        };
    }

    /**
     * Keras' {@code Orthogonal} (gain 1) on the whole 2-D matrix [rows, cols]: a standard normal matrix of shape
     * [max, min] is QR-factorised (Q with a positive diagonal of R, here by modified Gram-Schmidt in double), and Q
     * is transposed when rows < cols, so the result has orthonormal rows (or columns, whichever is fewer).
     */
    static Initializer orthogonal() {
        return (shape, rng) -> {
            if (shape.length != 2) {
                throw new IllegalArgumentException("orthogonal needs a 2-D matrix, got " + Arrays.toString(shape));
            }
            int rows = shape[0];
            int cols = shape[1];
            int m = Math.max(rows, cols);
            int n = Math.min(rows, cols);
            double[][] q = new double[n][m]; // q[j] is column j of the [m, n] matrix
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    q[j][i] = rng.nextGaussian();
                }
            }
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < m; i++) {
                        dot += q[p][i] * q[j][i];
                    }
                    for (int i = 0; i < m; i++) {
                        q[j][i] -= dot * q[p][i];
                    }
                }
                double norm = 0;
                for (int i = 0; i < m; i++) {
                    norm += q[j][i] * q[j][i];
                }
                norm = Math.sqrt(norm);
                for (int i = 0; i < m; i++) {
                    q[j][i] /= norm;
                }
            }
            double[] out = new double[rows * cols];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    if (rows >= cols) {
                        out[i * cols + j] = q[j][i]; // [m, n] as is
                    } else {
                        out[j * cols + i] = q[j][i]; // transposed to [n, m]
                    }
                }
            }
            return out;
        };
    }
}
