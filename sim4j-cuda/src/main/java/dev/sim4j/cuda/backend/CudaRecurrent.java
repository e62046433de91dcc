package dev.sim4j.cuda.backend;

import dev.sim4j.engine.Tensor;
import java.util.List;

/**
 * The GRU cell and the AUGRU update, forward and backward. Kernels in {@code kernels/recurrent.cu}.
 */
public final class CudaRecurrent {
    private final CudaBackend be;

    CudaRecurrent(CudaBackend be) {
        this.be = be;
    }

    public void gruCell(Tensor gx, Tensor gh, Tensor hPrev, Tensor hOut, Tensor cache) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: gruCell");
    }

    public void gruCellBackward(Tensor gh, Tensor hPrev, Tensor cache, Tensor dh, Tensor dgx, Tensor dgh, Tensor dhPrev) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: gruCellBackward");
    }

    public void augruUpdate(Tensor u, Tensor c, Tensor s, Tensor a, Tensor out, boolean paperForm) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: augruUpdate");
    }

    public void augruUpdateBackward(Tensor u, Tensor c, Tensor s, Tensor a, Tensor dOut, Tensor du, Tensor dc, Tensor ds, Tensor da, boolean paperForm) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: augruUpdateBackward");
    }
}
