package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;

/**
 * Parameter-free dot attention: score_t = &lt;e_t, q&gt;, a = masked softmax over t (masked positions take the lowest
 * value, so a fully masked row gets uniform weights), output = sum_t a_t e_t. keys [B, T, D], query [B, D],
 * mask [B, T] -> output [B, D], weights [B, T].
 */
public final class DotAttention {
    /** The attended vector [B, D] and the attention weights [B, T]. */
    public record Result(Tensor output, Tensor weights) {
    }

    private final Backend be;
    private Tensor keys;
    private Tensor query;
    private Tensor mask;
    private Tensor weights;

    public DotAttention(Backend be) {
        this.be = be;
    }

    /** keys [B, T, D] (already masked), query [B, D], mask [B, T] of 0/1. */
    public Result forward(Tensor keys, Tensor query, Tensor mask) {
        int b = keys.dim(0);
        int t = keys.dim(1);
        Tensor scores = Tensors.empty(be, b, t);
        Tensor a = Tensors.empty(be, b, t);
        Tensor out = Tensors.empty(be, b, keys.dim(2));
        be.dotAttention(keys, query, mask, scores, a, out);
        this.keys = keys;
        this.query = query;
        this.mask = mask;
        this.weights = a;
        return new Result(out, a);
    }

    /**
     * The attention weights [B, T] alone, for keys [B, T, D], query [B, D], mask [B, T]: the {@link #forward}
     * weights (the backends give dotAttention's values for its parts), without the weighted sum, for a caller that
     * needs only where the attention goes (SIM's search at inference). Keeps nothing for a backward.
     */
    public Tensor weights(Tensor keys, Tensor query, Tensor mask) {
        int b = keys.dim(0);
        int t = keys.dim(1);
        Tensor scores = Tensors.empty(be, b, t);
        Tensor a = Tensors.empty(be, b, t);
        be.batchedDot(keys, query, scores);
        be.maskedSoftmax(scores, mask, a);
        return a;
    }

    /**
     * {@link #backward}, with {@code dSelected} [B, K, D] first added to dKeys at the positions {@code positions}
     * I32 [B, K] (a top-K selection's backward over these keys), in one pass over dKeys.
     */
    public void backward(Tensor dOutput, Tensor dSelected, Tensor positions, Tensor dKeys, Tensor dQuery) {
        Tensor dWeights = Tensors.empty(be, weights.shape());
        Tensor dScores = Tensors.empty(be, weights.shape());
        be.dotAttentionBackwardWithScatter(keys, query, mask, weights, dOutput, dWeights, dScores, dSelected,
                positions, dKeys, dQuery);
    }

    /** For dOutput [B, D]: dKeys [B, T, D] +=, dQuery [B, D] +=. The weights get no gradient from outside. */
    public void backward(Tensor dOutput, Tensor dKeys, Tensor dQuery) {
        Tensor dWeights = Tensors.empty(be, weights.shape());
        Tensor dScores = Tensors.empty(be, weights.shape());
        be.dotAttentionBackward(keys, query, mask, weights, dOutput, dWeights, dScores, dKeys, dQuery);
    }
}
