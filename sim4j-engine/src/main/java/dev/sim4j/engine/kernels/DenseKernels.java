package dev.sim4j.engine.kernels;

import dev.sim4j.engine.Tensor;
import java.util.List;

/**
 * Dense algebra: fills and copies, GEMM, row and elementwise arithmetic, activations, column layout, and the few
 * shape-only kernels that replaced host round trips (dropout masks, masked-mean weights, broadcasts over time).
 * Notation: B batch, T time steps, M x N matrices, row-major. An output is overwritten unless its doc says {@code +=}.
 */
public interface DenseKernels {
    /** Every element of {@code t} = value (float or I32 tensors). */
    void fill(Tensor t, double value);

    /** dst = src (same size). */
    void copy(Tensor src, Tensor dst);

    /**
     * c = op(a) op(b) + beta * c, where op transposes when asked. 2-D only: a [M,K] (or [K,M]), b [K,N] (or [N,K]),
     * c [M,N]. Reductions over K run in a fixed order.
     */
    void matmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor c, double beta);

    /** x[m, :] += v, for x [M,N], v [N]. */
    void addRowVector(Tensor x, Tensor v);

    /** out = beta * out + sum over rows of x, for x [M,N], out [N]; rows are summed in order. */
    void sumRows(Tensor x, Tensor out, double beta);

    /** out = a + b (same shapes; out may be a or b). */
    void add(Tensor a, Tensor b, Tensor out);

    /** out = a - b (same shapes). */
    void subtract(Tensor a, Tensor b, Tensor out);

    /** y += alpha * x (same shapes). */
    void axpy(double alpha, Tensor x, Tensor y);

    /** out = a * b elementwise (same shapes). */
    void mul(Tensor a, Tensor b, Tensor out);

    /** out[m, :] = x[m, :] * s[m], for x [M,N], s [M]. */
    void mulRows(Tensor x, Tensor s, Tensor out);

    /** out[m] = sum over n of a[m, n] * b[m, n], for a, b [M,N], out [M]. */
    void rowDot(Tensor a, Tensor b, Tensor out);

    /** x *= s, in place. */
    void scale(Tensor x, double s);

    /** y = 1 / (1 + exp(-x)) (same shapes; y may be x). */
    void sigmoid(Tensor x, Tensor y);

    /** dx = dy * y * (1 - y), y = sigmoid(x). */
    void sigmoidBackward(Tensor y, Tensor dy, Tensor dx);

    /** y = tanh(x) (same shapes). */
    void tanh(Tensor x, Tensor y);

    /** dx = dy * (1 - y^2), y = tanh(x). */
    void tanhBackward(Tensor y, Tensor dy, Tensor dx);

    /** y = x > 0 ? x : alpha * x, for x, y [M,N] and one alpha per column, alpha [N]. */
    void prelu(Tensor x, Tensor alpha, Tensor y);

    /** dx = dy * (x > 0 ? 1 : alpha); dAlpha += sum over rows of dy * min(x, 0). */
    void preluBackward(Tensor x, Tensor alpha, Tensor dy, Tensor dx, Tensor dAlpha);

    // Fused epilogues. A product is usually followed by its bias and activation. A backend may run each pair as one pass over the
    // elements instead of two; the defaults are the exact compositions, so the results are those of the separate ops
    // on every backend, bit for bit.

    /**
     * x[m, :] += bias, then y = prelu(x, alpha), for x, y [M,N] and bias, alpha [N]: x keeps the pre-activation that
     * {@link #preluBackward} needs. Equal to {@code addRowVector(x, bias); prelu(x, alpha, y)}.
     */
    default void addBiasPrelu(Tensor x, Tensor bias, Tensor alpha, Tensor y) {
        addRowVector(x, bias);
        prelu(x, alpha, y);
    }

    /**
     * y = sigmoid(x + bias) row-wise, for x, y [M,N] and bias [N]; x is left as it was unless y is x (the same tensor,
     * in place). Equal to adding the bias into a copy of x and taking its sigmoid.
     */
    default void addBiasSigmoid(Tensor x, Tensor bias, Tensor y) {
        if (y != x) {
            copy(x, y);
        }
        addRowVector(y, bias);
        sigmoid(y, y);
    }

    /**
     * dx = sigmoidBackward(y, dy), then biasGrad += sum over rows of dx, for y, dy, dx [M,N] and biasGrad [N]: the
     * backward of {@link #addBiasSigmoid} as far as its bias. Equal to
     * {@code sigmoidBackward(y, dy, dx); sumRows(dx, biasGrad, 1)}.
     */
    default void sigmoidBackwardSumRows(Tensor y, Tensor dy, Tensor dx, Tensor biasGrad) {
        sigmoidBackward(y, dy, dx);
        sumRows(dx, biasGrad, 1);
    }

    /**
     * c = op(a) op(b) + bias row-wise, for c [M,N] and bias [N]: a dense layer's product with its bias added as the
     * product is written (a backend may add it to each block of c while it is still in cache). Equal to
     * {@code matmul(a, transposeA, b, transposeB, c, 0); addRowVector(c, bias)}.
     */
    default void matmulBias(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor bias, Tensor c) {
        matmul(a, transposeA, b, transposeB, c, 0);
        addRowVector(c, bias);
    }

    /**
     * c = sigmoid(op(a) op(b) + bias), the activation overwriting the product. Equal to
     * {@code matmul(a, transposeA, b, transposeB, c, 0); addBiasSigmoid(c, bias, c)}.
     */
    default void matmulBiasSigmoid(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor bias,
                                   Tensor c) {
        matmul(a, transposeA, b, transposeB, c, 0);
        addBiasSigmoid(c, bias, c);
    }

    /**
     * c = sigmoid(op(a) op(b) + addend), for c and addend [M,N]: a layer whose pre-activation is a product plus a
     * part computed once elsewhere (the auxiliary MLP's first layer, whose h_t W_h part the click and no-click rows
     * share), the activation overwriting the product. Equal to
     * {@code matmul(a, transposeA, b, transposeB, c, 0); axpy(1, addend, c); sigmoid(c, c)}.
     */
    default void matmulAddSigmoid(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor addend,
                                  Tensor c) {
        matmul(a, transposeA, b, transposeB, c, 0);
        axpy(1, addend, c);
        sigmoid(c, c);
    }

    /**
     * z = op(a) op(b) + bias and y = prelu(z, alpha), z kept for the backward. Equal to
     * {@code matmul(a, transposeA, b, transposeB, z, 0); addBiasPrelu(z, bias, alpha, y)}.
     */
    default void matmulBiasPrelu(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor bias,
                                 Tensor alpha, Tensor z, Tensor y) {
        matmul(a, transposeA, b, transposeB, z, 0);
        addBiasPrelu(z, bias, alpha, y);
    }

    /** out = [p0 | p1 | ...] along columns, for parts [M,Ni] and out [M, sum Ni]. */
    void concatColumns(List<Tensor> parts, Tensor out);

    /** The inverse of {@link #concatColumns}: parts = (or +=, when accumulating) column blocks of in. */
    void splitColumns(Tensor in, List<Tensor> parts, boolean accumulate);

    /** out[j, i, :] = x[i, j, :], for x [A,B,D], out [B,A,D]. */
    void transpose01(Tensor x, Tensor out);

    /**
     * An inverted-dropout mask drawn on the device: for element i of mask (any shape, float),
     * {@code u = CounterRandom.uniform(seed, salt, step[0], i)} and {@code mask[i] = u >= rate ? 1 / (1 - rate) : 0}
     * (the keep value computed in double and stored in the mask's type). {@code step} is an I32 [1] tensor (the
     * trainer's step counter), so a replayed step draws a fresh mask; every backend draws the same mask.
     *
     * @param rate the drop probability, in [0, 1)
     */
    void dropoutMask(long seed, long salt, Tensor step, double rate, Tensor mask);

    /**
     * The masked mean's weights without the host: weights[b, k] = mask[b, k] * (1 / (count_b + 1)), with
     * count_b = sum over k of mask[b, k], for mask, weights [B,K]. The reciprocal is computed in double and rounded to
     * the tensor's type once; for 0/1 masks the count is exact in float, so any summation order gives the same value.
     */
    void maskedMeanWeights(Tensor mask, Tensor weights);

    /** out[b, t, :] = x[b, :], for x [B,N], out [B,T,N]. */
    void broadcastOverTime(Tensor x, Tensor out);

    /**
     * dX[b, :] += dOut[b, t, :] summed over t, for dOut [B,T,N], dX [B,N]: dX[b] += dOut[b, 0], then += dOut[b, 1],
     * ... in increasing t, element by element, each addition rounded to the tensor's type (the order the scatter-add
     * it replaced used).
     */
    void sumOverTime(Tensor dOut, Tensor dX);
}
