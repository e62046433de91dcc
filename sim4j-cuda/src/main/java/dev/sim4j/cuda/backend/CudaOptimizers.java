package dev.sim4j.cuda.backend;

import dev.sim4j.engine.Tensor;
import java.util.List;

/**
 * The optimizer updates, with Adam's step read from the device (ADR 0006). Kernels in {@code kernels/optimizers.cu}.
 */
public final class CudaOptimizers {
    private final CudaBackend be;

    CudaOptimizers(CudaBackend be) {
        this.be = be;
    }

    public void increment(Tensor counter) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: increment");
    }

    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double epsilon, double weightDecay, Tensor step) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: adamUpdate");
    }

    public void adamUpdateRows(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor rows, Tensor count, double lr, double beta1, double beta2, double epsilon, double weightDecay, Tensor step) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: adamUpdateRows");
    }

    public void sgdUpdate(Tensor param, Tensor grad, double lr, double weightDecay) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: sgdUpdate");
    }
}
