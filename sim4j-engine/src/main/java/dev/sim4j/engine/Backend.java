package dev.sim4j.engine;

import java.util.List;

/**
 * The kernel set the SIM, DIEN and DIN models need, over tensors resident on one device. Every call works on whole
 * tensors (no per-element calls across this interface), so a GPU implementation can run each as one or a few kernel
 * launches. Notation: B batch, T time steps, D or E or H feature widths, M x N matrices; all tensors row-major.
 *
 * <p>Conventions: an output argument is overwritten unless its doc says {@code +=} (gradients of parameters and of
 * inputs shared by several consumers accumulate). Masks are float tensors of 0 and 1. Every implementation is
 * deterministic: the same inputs give bit-identical outputs whatever the thread count.
 */
public interface Backend extends AutoCloseable {
    /** A short name for logs ("scalar-f64", "cpu", "cuda:0"). */
    String name();

    /** The float type this backend computes in; models allocate their float tensors with it. */
    DType floatType();

    // ---------------------------------------------------------------- memory

    /** A new tensor of zeros. */
    Tensor zeros(DType dtype, int... shape);

    /**
     * A new tensor whose contents are unspecified, for an output the next kernel overwrites entirely (a product with
     * beta 0, an activation, a gather): it spares zeroing memory that is about to be written. The default is
     * {@link #zeros}.
     */
    default Tensor empty(DType dtype, int... shape) {
        return zeros(dtype, shape);
    }

    /**
     * Opens a scope for a step's temporaries (see {@link TensorScope}): float tensors allocated until it closes may
     * be recycled afterwards. The default recycles nothing.
     */
    default TensorScope openScope() {
        return TensorScope.NONE;
    }

    /** A new float tensor of {@link #floatType()} holding {@code values}. */
    Tensor upload(double[] values, int... shape);

    /** A new float tensor of {@link #floatType()} holding {@code values}. */
    Tensor upload(float[] values, int... shape);

    /** A new I32 tensor holding {@code values}. */
    Tensor upload(int[] values, int... shape);

    /** Copies a float tensor to the host. */
    double[] toDoubles(Tensor t);

    /** Copies a float tensor to the host. */
    float[] toFloats(Tensor t);

    /** Copies an I32 tensor to the host. */
    int[] toInts(Tensor t);

    /** Overwrites a float tensor with host values (as many as its size). */
    void write(Tensor t, double[] values);

    /** Overwrites a float tensor with host values (as many as its size). */
    void write(Tensor t, float[] values);

    /** Overwrites an I32 tensor with host values (as many as its size). */
    void write(Tensor t, int[] values);

    void fill(Tensor t, double value);

    /** dst = src (same size). */
    void copy(Tensor src, Tensor dst);

    // ---------------------------------------------------------------- dense algebra

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

    void scale(Tensor x, double s);

    // ---------------------------------------------------------------- activations

    void sigmoid(Tensor x, Tensor y);

    /** dx = dy * y * (1 - y), y = sigmoid(x). */
    void sigmoidBackward(Tensor y, Tensor dy, Tensor dx);

    void tanh(Tensor x, Tensor y);

    /** dx = dy * (1 - y^2), y = tanh(x). */
    void tanhBackward(Tensor y, Tensor dy, Tensor dx);

    /** y = x > 0 ? x : alpha * x, for x, y [M,N] and one alpha per column, alpha [N]. */
    void prelu(Tensor x, Tensor alpha, Tensor y);

    /** dx = dy * (x > 0 ? 1 : alpha); dAlpha += sum over rows of dy * min(x, 0). */
    void preluBackward(Tensor x, Tensor alpha, Tensor dy, Tensor dx, Tensor dAlpha);

    // ---------------------------------------------------------------- layout

    /** out = [p0 | p1 | ...] along columns, for parts [M,Ni] and out [M, sum Ni]. */
    void concatColumns(List<Tensor> parts, Tensor out);

    /** The inverse of {@link #concatColumns}: parts = (or +=, when accumulating) column blocks of in. */
    void splitColumns(Tensor in, List<Tensor> parts, boolean accumulate);

    /** out[j, i, :] = x[i, j, :], for x [A,B,D], out [B,A,D]. */
    void transpose01(Tensor x, Tensor out);

    // ---------------------------------------------------------------- embeddings

    /** out[n, :] = table[ids[n], :], for table [R,E], ids I32 [N], out [N,E]. */
    void gatherRows(Tensor table, Tensor ids, Tensor out);

    /** dTable[ids[n], :] += dOut[n, :]; rows of one id are added in order of n. */
    void scatterAddRows(Tensor dOut, Tensor ids, Tensor dTable);

    /**
     * Item vectors of positions [from, to) of behaviour sequences, with padding masked: for item ids and category ids
     * I32 [B, T], items [I, E1], categories [C, E2], out [B, to - from, E1 + E2] and mask [B, to - from]:
     * out[b, t] = concat(items[itemIds[b, from + t]], categories[categoryIds[b, from + t]]) and mask[b, t] = 1 where
     * the item id is > 0; out[b, t] = 0 and mask[b, t] = 0 where it is 0 (padding).
     */
    void embedSequence(Tensor items, Tensor categories, Tensor itemIds, Tensor categoryIds, int from, int to,
                       Tensor out, Tensor mask);

    /**
     * The gradient of {@link #embedSequence}: for every non-padding position (b, t) of [from, to),
     * dItems[itemIds[b, from + t]] += dOut[b, t, :E1] and dCategories[categoryIds[b, from + t]] += dOut[b, t, E1:];
     * each table row gets its additions in order of (b, t). Padding positions add nothing (their vectors are masked
     * to zero, so their gradient is zero), which spares the padding row the serial sum of half of all positions.
     */
    void embedSequenceBackward(Tensor dOut, Tensor itemIds, Tensor categoryIds, int from, int to, Tensor dItems,
                               Tensor dCategories);

    // ---------------------------------------------------------------- attention and selection

    /** out[b, t] = sum over d of keys[b, t, d] * query[b, d], for keys [B,T,D], query [B,D], out [B,T]. */
    void batchedDot(Tensor keys, Tensor query, Tensor out);

    /** dKeys[b, t, :] += dOut[b, t] * query[b, :]; dQuery[b, :] += sum over t of dOut[b, t] * keys[b, t, :]. */
    void batchedDotBackward(Tensor keys, Tensor query, Tensor dOut, Tensor dKeys, Tensor dQuery);

    /** out[b, :] = sum over t of weights[b, t] * values[b, t, :], for weights [B,T], values [B,T,D], out [B,D]. */
    void weightedSum(Tensor weights, Tensor values, Tensor out);

    /** dWeights[b, t] = dOut[b, :] . values[b, t, :] (overwrite); dValues[b, t, :] += weights[b, t] * dOut[b, :]. */
    void weightedSumBackward(Tensor weights, Tensor values, Tensor dOut, Tensor dWeights, Tensor dValues);

    /**
     * Softmax over the last dimension of scores [B,T] where mask [B,T] is 1; masked positions take the lowest value
     * of the type first, so they get weight 0 unless a whole row is masked, which then gets uniform weights.
     */
    void maskedSoftmax(Tensor scores, Tensor mask, Tensor out);

    /** dScores = p * (dp - sum_t p * dp) on unmasked positions, 0 on masked ones (they were replaced by a constant). */
    void maskedSoftmaxBackward(Tensor p, Tensor dp, Tensor mask, Tensor dScores);

    /**
     * indices[b, :] = the k positions of the largest weights[b, :] in descending order of weight, ties broken by the
     * lower position first (as {@code tf.math.top_k}); weights [B,T], indices I32 [B,K].
     */
    void topK(Tensor weights, int k, Tensor indices);

    /** out[b, j, :] = x[b, idx[b, j], :], for x [B,T,D], idx I32 [B,K], out [B,K,D]. */
    void gatherTime(Tensor x, Tensor idx, Tensor out);

    /** dX[b, idx[b, j], :] += dOut[b, j, :] (in order of j). */
    void scatterAddTime(Tensor dOut, Tensor idx, Tensor dX);

    /** out[b, j] = x[b, idx[b, j]], for x [B,T], idx I32 [B,K], out [B,K]. */
    void gatherColumns(Tensor x, Tensor idx, Tensor out);

    /** out = x > 0 ? 1 : 0. */
    void positive(Tensor x, Tensor out);

    /** out = ids > 0 ? 1 : 0, for I32 ids and a float out of the same size: the padding mask. */
    void nonPadding(Tensor ids, Tensor out);

    // ---------------------------------------------------------------- recurrent cells

    /**
     * Keras GRU cell, reset-after form, gates in order z, r, n. gx [B,3H] = x W + b_in, gh [B,3H] = h U + b_rec,
     * hPrev [B,H]. Writes hOut [B,H] and cache [B,3H] = (z, r, n) for the backward.
     */
    void gruCell(Tensor gx, Tensor gh, Tensor hPrev, Tensor hOut, Tensor cache);

    /**
     * Backward of {@link #gruCell} for dh = dL/dhOut: writes dgx [B,3H] and dgh [B,3H] (both overwritten; dgh is also
     * the gradient of the recurrent pre-activation) and dhPrev = dh * z (overwritten; the caller adds dgh U^T).
     */
    void gruCellBackward(Tensor gh, Tensor hPrev, Tensor cache, Tensor dh, Tensor dgx, Tensor dgh, Tensor dhPrev);

    /**
     * The AUGRU state update, given update gate u [B,H], candidate c [B,H], previous state s [B,H] and attention
     * a [B]. Code form (the reference): u' = (1 - a) u, out = u' s + (1 - u') c. Paper form: u' = a u,
     * out = (1 - u') s + u' c.
     */
    void augruUpdate(Tensor u, Tensor c, Tensor s, Tensor a, Tensor out, boolean paperForm);

    /** Backward of {@link #augruUpdate}: du, dc overwritten; ds += ; da[b] overwritten. */
    void augruUpdateBackward(Tensor u, Tensor c, Tensor s, Tensor a, Tensor dOut, Tensor du, Tensor dc, Tensor ds,
                             Tensor da, boolean paperForm);

    /**
     * DIEN attention-unit input: out[b, t, :] = [q, h_t, q - h_t, q * h_t] for q [B,H], h [B,T,H], out [B,T,4H].
     */
    void attentionFeatures(Tensor q, Tensor h, Tensor out);

    /** Backward of {@link #attentionFeatures}: dq +=, dh +=. */
    void attentionFeaturesBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh);

    /** out[b, t, :] = q[b, :] * h[b, t, :], for q [B,D], h [B,T,D], out [B,T,D]. */
    void broadcastMul(Tensor q, Tensor h, Tensor out);

    /**
     * Backward of {@link #broadcastMul}: dq[b, :] += sum over t of dOut[b, t, :] * h[b, t, :];
     * dh[b, t, :] += dOut[b, t, :] * q[b, :].
     */
    void broadcastMulBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh);

    // ---------------------------------------------------------------- losses

    /**
     * Mean binary cross-entropy with logits over logits [N] and labels [N] (0/1). Writes dLogits = scale * dMean/dlogit
     * and returns the mean loss (summed in order, in double).
     */
    double binaryCrossEntropy(Tensor logits, Tensor labels, Tensor dLogits, double scale);

    /**
     * DIEN auxiliary loss: mean over all N entries of mask * (-log(sigmoid(click) + 1e-6) - log(1 - sigmoid(noClick) -
     * 1e-6)), for click, noClick, mask [N] (N = B x 9, masked entries included in the mean). Writes the scaled
     * gradients and returns the loss.
     */
    double auxiliaryLoss(Tensor click, Tensor noClick, Tensor mask, Tensor dClick, Tensor dNoClick, double scale);

    /** Sum of all elements, in double, in a fixed order. */
    double sum(Tensor x);

    // ---------------------------------------------------------------- optimizers

    /**
     * One Adam step on param, in place, exactly as TensorFlow's {@code ResourceApplyAdam} (what TF2 Keras Adam runs for
     * dense gradients) computes it, with the bias correction folded into the step size:
     * <pre>
     *   param -= lr * weightDecay * param                      (decoupled weight decay, first; weightDecay 0 = off)
     *   lr_t   = lr * sqrt(1 - beta2^step) / (1 - beta1^step)
     *   m     += (grad - m) * (1 - beta1)                      (= beta1 m + (1 - beta1) grad)
     *   v     += (grad^2 - v) * (1 - beta2)                    (= beta2 v + (1 - beta2) grad^2)
     *   param -= lr_t * m / (sqrt(v) + epsilon)
     * </pre>
     * param, grad, m, v all of one shape (any); grad is read only. The scalar coefficients (lr_t, 1 - beta1, ...) are
     * computed once in double; elements are independent, so the result does not depend on how work is split.
     *
     * @param step the 1-based number of this step (the first update passes 1)
     */
    void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                    double epsilon, double weightDecay, long step);

    /**
     * {@link #adamUpdate} applied only to the rows listed in {@code rows} (lazy Adam, as tensorflow_addons LazyAdam):
     * param, grad, m, v [R,E]; rows I32 [n], distinct row indices in increasing order (e.g. from {@link #uniqueRows}).
     * The listed rows get exactly the update {@link #adamUpdate} would give them, weight decay included; every other
     * row of param, m and v is left untouched. The rounding form is that of {@code ResourceApplyAdam}, so with every
     * row listed the result equals {@link #adamUpdate} bit for bit.
     */
    void adamUpdateRows(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor rows, double lr, double beta1,
                        double beta2, double epsilon, double weightDecay, long step);

    /**
     * Plain SGD, in place: param -= lr * weightDecay * param (decoupled weight decay, first; 0 = off), then
     * param -= lr * grad. param, grad of one shape.
     */
    void sgdUpdate(Tensor param, Tensor grad, double lr, double weightDecay);

    /**
     * The distinct values of all {@code ids} tensors (I32, any shapes; every value in [0, bound)), written to
     * {@code out[0, count)} in increasing order; returns count. out is I32 [N] with N at least min(bound, total ids);
     * {@code out[count, N)} is left as it was. Used to collect the embedding rows a batch touched (for
     * {@link #adamUpdateRows}); the padding id 0 is a value like any other. Deterministic by construction.
     */
    int uniqueRows(List<Tensor> ids, int bound, Tensor out);

    @Override
    default void close() {
    }
}
