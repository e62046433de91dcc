package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;

/**
 * SIM's hard selection: the K positions of the largest GSU weights, in descending order of weight, ties broken by
 * the lower position (as {@code tf.math.top_k}); their vectors are gathered and the selection mask is (weight > 0).
 * No gradient flows through the selection; the gathered vectors' gradient flows back to their positions.
 * weights [B, L], values [B, L, D] -> indices I32 [B, K], selected [B, K, D], mask [B, K].
 */
public final class TopKSelection {
    /** The chosen positions I32 [B, K], their vectors [B, K, D] and mask [B, K]. */
    public record Selection(Tensor indices, Tensor values, Tensor mask) {
    }

    private final Backend be;
    private final int k;
    private Tensor indices;

    public TopKSelection(Backend be, int k) {
        this.be = be;
        this.k = k;
    }

    public Selection forward(Tensor weights, Tensor values) {
        int b = weights.dim(0);
        indices = be.zeros(DType.I32, b, k);
        be.topK(weights, k, indices);
        // Each of these is overwritten whole by its kernel: no zeros first.
        Tensor selected = Tensors.empty(be, b, k, values.dim(2));
        be.gatherTime(values, indices, selected);
        Tensor chosen = Tensors.empty(be, b, k);
        be.gatherColumns(weights, indices, chosen);
        Tensor mask = Tensors.empty(be, b, k);
        be.positive(chosen, mask);
        return new Selection(indices, selected, mask);
    }

    /**
     * dValues [B, L, D] += the selected vectors' gradient dSelected [B, K, D], at their positions (SIM folds this into
     * its search's backward, {@link DotAttention#backward(Tensor, Tensor, Tensor, Tensor, Tensor)}).
     */
    public void backward(Tensor dSelected, Tensor dValues) {
        be.scatterAddTime(dSelected, indices, dValues);
    }
}
