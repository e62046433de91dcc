package dev.sim4j.cuda.backend;

import dev.sim4j.engine.Tensor;
import java.util.List;

/**
 * Dense algebra, activations, shape ops and the small device-side helpers of ADR 0006 (dropout mask, masked-mean weights, broadcast over time). Kernels in {@code kernels/dense.cu}.
 */
public final class CudaDense {
    private final CudaBackend be;

    CudaDense(CudaBackend be) {
        this.be = be;
    }

    public void matmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor c, double beta) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: matmul");
    }

    public void addRowVector(Tensor x, Tensor v) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: addRowVector");
    }

    public void sumRows(Tensor x, Tensor out, double beta) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: sumRows");
    }

    public void add(Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: add");
    }

    public void subtract(Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: subtract");
    }

    public void axpy(double alpha, Tensor x, Tensor y) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: axpy");
    }

    public void mul(Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: mul");
    }

    public void mulRows(Tensor x, Tensor s, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: mulRows");
    }

    public void rowDot(Tensor a, Tensor b, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: rowDot");
    }

    public void scale(Tensor x, double s) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: scale");
    }

    public void sigmoid(Tensor x, Tensor y) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: sigmoid");
    }

    public void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: sigmoidBackward");
    }

    public void tanh(Tensor x, Tensor y) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: tanh");
    }

    public void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: tanhBackward");
    }

    public void prelu(Tensor x, Tensor alpha, Tensor y) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: prelu");
    }

    public void preluBackward(Tensor x, Tensor alpha, Tensor dy, Tensor dx, Tensor dAlpha) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: preluBackward");
    }

    public void concatColumns(List<Tensor> parts, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: concatColumns");
    }

    public void splitColumns(Tensor in, List<Tensor> parts, boolean accumulate) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: splitColumns");
    }

    public void transpose01(Tensor x, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: transpose01");
    }

    public void dropoutMask(long seed, long salt, Tensor step, double rate, Tensor mask) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: dropoutMask");
    }

    public void maskedMeanWeights(Tensor mask, Tensor weights) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: maskedMeanWeights");
    }

    public void broadcastOverTime(Tensor x, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: broadcastOverTime");
    }

    public void sumOverTime(Tensor dOut, Tensor dX) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: sumOverTime");
    }
}
