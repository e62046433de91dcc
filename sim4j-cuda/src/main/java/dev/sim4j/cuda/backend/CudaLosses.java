package dev.sim4j.cuda.backend;

import dev.sim4j.engine.Tensor;
import java.util.List;

/**
 * The losses (written into device tensors, ADR 0006) and deterministic sums. Kernels in {@code kernels/losses.cu}.
 */
public final class CudaLosses {
    private final CudaBackend be;

    CudaLosses(CudaBackend be) {
        this.be = be;
    }

    public void binaryCrossEntropy(Tensor logits, Tensor labels, Tensor dLogits, double gradScale, Tensor loss, double lossWeight, boolean accumulate) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: binaryCrossEntropy");
    }

    public void auxiliaryLoss(Tensor click, Tensor noClick, Tensor mask, Tensor dClick, Tensor dNoClick, double gradScale, Tensor loss, double lossWeight, boolean accumulate) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: auxiliaryLoss");
    }

    public void sum(Tensor x, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: sum");
    }
}
