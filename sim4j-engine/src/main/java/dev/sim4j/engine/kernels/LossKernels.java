package dev.sim4j.engine.kernels;

import dev.sim4j.engine.Tensor;

/**
 * The losses, written into device tensors: nothing comes back to the host inside a step. A loss argument is a float
 * tensor of one element (any view of one, e.g. a row of a [k] tensor) that receives
 * {@code loss[0] = (accumulate ? loss[0] : 0) + lossWeight * meanLoss}, the mean computed in double in a fixed
 * order and stored once; so micro-batches add their weighted losses into one tensor.
 */
public interface LossKernels {
    /**
     * Mean binary cross-entropy with logits over logits [N] and labels [N] (0/1), in its stable form
     * max(z, 0) - z l + log(1 + exp(-|z|)). Writes dLogits [N] = gradScale * dMean/dlogit and the mean loss into
     * {@code loss} (see the interface).
     */
    default void binaryCrossEntropy(Tensor logits, Tensor labels, Tensor dLogits, double gradScale, Tensor loss,
                                    double lossWeight, boolean accumulate) {
        binaryCrossEntropy(logits, labels, dLogits, gradScale, null, loss, lossWeight, accumulate);
    }

    /**
     * As above, with the gradients also multiplied by {@code lossScale[0]} (an F32 [1] tensor read where the kernel
     * runs; null for 1): dynamic loss scaling, so that small gradients survive being stored in float16. The scale is a
     * power of two, so each scaled gradient is the unscaled one times the scale exactly (before it is stored).
     */
    void binaryCrossEntropy(Tensor logits, Tensor labels, Tensor dLogits, double gradScale, Tensor lossScale,
                            Tensor loss, double lossWeight, boolean accumulate);

    /**
     * DIEN auxiliary loss: mean over all N entries of mask * (-log(sigmoid(click) + 1e-6) - log(1 - sigmoid(noClick) -
     * 1e-6)), for click, noClick, mask [N] (N = B x (T - 1), masked entries included in the mean). Writes the
     * gradients dClick, dNoClick [N] scaled by gradScale, and the mean loss into {@code loss} (see the interface).
     */
    default void auxiliaryLoss(Tensor click, Tensor noClick, Tensor mask, Tensor dClick, Tensor dNoClick,
                               double gradScale, Tensor loss, double lossWeight, boolean accumulate) {
        auxiliaryLoss(click, noClick, mask, dClick, dNoClick, gradScale, null, loss, lossWeight, accumulate);
    }

    /** As above, the gradients also multiplied by {@code lossScale[0]} (F32 [1]; null for 1), as for the BCE. */
    void auxiliaryLoss(Tensor click, Tensor noClick, Tensor mask, Tensor dClick, Tensor dNoClick, double gradScale,
                       Tensor lossScale, Tensor loss, double lossWeight, boolean accumulate);

    /** out[0] = the sum of all elements of x, in double, in a fixed order; out a float tensor of one element. */
    void sum(Tensor x, Tensor out);
}
