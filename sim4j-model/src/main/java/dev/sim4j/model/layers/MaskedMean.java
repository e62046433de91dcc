package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;

/**
 * The reference's masked mean with its +1: out[b] = sum_t mask[b, t] e[b, t] / (sum_t mask[b, t] + 1).
 * x [B, K, D], mask [B, K] -> [B, D]. The mask gets no gradient.
 */
public final class MaskedMean {
    private final Backend be;
    private Tensor x;
    private Tensor weights;

    public MaskedMean(Backend be) {
        this.be = be;
    }

    public Tensor forward(Tensor x, Tensor mask) {
        int b = x.dim(0);
        // mask / (count + 1) per row, on the device (the count of a 0/1 mask is exact in float).
        weights = Tensors.empty(be, mask.shape());
        be.maskedMeanWeights(mask, weights);
        Tensor out = Tensors.zeros(be, b, x.dim(2));
        be.weightedSum(weights, x, out);
        this.x = x;
        return out;
    }

    /** dX [B, K, D] += mask / (count + 1) * dOut, for dOut [B, D]. */
    public void backward(Tensor dOut, Tensor dX) {
        Tensor dWeights = Tensors.zeros(be, weights.shape());
        be.weightedSumBackward(weights, x, dOut, dWeights, dX);
    }
}
