package dev.sim4j.engine.kernels;

import dev.sim4j.engine.Tensor;

/**
 * Attention and selection: dot-product scores and weighted sums over time, the masked softmax, top-k selection and
 * the gathers it feeds, masks, and DIEN's attention-unit features. keys, values, h [B,T,D]; query, q [B,D].
 */
public interface AttentionKernels {
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
     * Dot attention in one pass: scores [B,T] = batchedDot(keys, query), weights [B,T] = maskedSoftmax(scores, mask),
     * out [B,D] = weightedSum(weights, keys), all three overwritten. The default is exactly that composition; a backend
     * may fuse it (reading keys once) but must give the composition's values.
     */
    default void dotAttention(Tensor keys, Tensor query, Tensor mask, Tensor scores, Tensor weights, Tensor out) {
        batchedDot(keys, query, scores);
        maskedSoftmax(scores, mask, weights);
        weightedSum(weights, keys, out);
    }

    /**
     * The backward of {@link #dotAttention} for dOut [B,D]: dWeights [B,T] = weightedSumBackward's (overwritten),
     * dScores [B,T] = maskedSoftmaxBackward(weights, dWeights, mask) (overwritten), dKeys [B,T,D] += weights * dOut
     * then += dScores * query, dQuery [B,D] += sum over t of dScores * keys. The default is exactly that composition.
     */
    default void dotAttentionBackward(Tensor keys, Tensor query, Tensor mask, Tensor weights, Tensor dOut,
                                      Tensor dWeights, Tensor dScores, Tensor dKeys, Tensor dQuery) {
        weightedSumBackward(weights, keys, dOut, dWeights, dKeys);
        maskedSoftmaxBackward(weights, dWeights, mask, dScores);
        batchedDotBackward(keys, query, dScores, dKeys, dQuery);
    }

    /**
     * SIM's search backward: dKeys [B,T,D] += the scatter of dSelected [B,K,D] to positions idx I32 [B,K]
     * ({@link #scatterAddTime}, which the selection's own backward is), then {@link #dotAttentionBackward}. A backend
     * may take both row by row, each row of dKeys read and written once instead of in two passes over the tensor.
     * The default is exactly that composition.
     */
    default void dotAttentionBackwardWithScatter(Tensor keys, Tensor query, Tensor mask, Tensor weights, Tensor dOut,
                                                 Tensor dWeights, Tensor dScores, Tensor dSelected, Tensor idx,
                                                 Tensor dKeys, Tensor dQuery) {
        scatterAddTime(dSelected, idx, dKeys);
        dotAttentionBackward(keys, query, mask, weights, dOut, dWeights, dScores, dKeys, dQuery);
    }

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
}
