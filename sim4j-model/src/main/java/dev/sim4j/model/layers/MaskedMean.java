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
        int k = x.dim(1);
        Tensor ones = Tensors.zeros(be, k);
        be.fill(ones, 1);
        Tensor count = Tensors.zeros(be, b);
        Tensor onesRows = Tensors.zeros(be, b, k);
        be.addRowVector(onesRows, ones);
        be.rowDot(mask, onesRows, count);
        // 1 / (count + 1) on the host: the Backend has no reciprocal kernel; [B] values only.
        double[] c = be.toDoubles(count);
        for (int i = 0; i < c.length; i++) {
            c[i] = 1 / (c[i] + 1);
        }
        Tensor inv = be.upload(c, b);
        weights = Tensors.zeros(be, b, k);
        be.mulRows(mask, inv, weights);
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
