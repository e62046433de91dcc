package dev.sim4j.cuda.backend;

import dev.sim4j.engine.Tensor;
import java.util.List;

/**
 * Attention and selection: batched dots, weighted sums, masked softmax, top-k, time gathers and the DIEN attention features. Kernels in {@code kernels/attention.cu}.
 */
public final class CudaAttention {
    private final CudaBackend be;

    CudaAttention(CudaBackend be) {
        this.be = be;
    }

    public void batchedDot(Tensor keys, Tensor query, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: batchedDot");
    }

    public void batchedDotBackward(Tensor keys, Tensor query, Tensor dOut, Tensor dKeys, Tensor dQuery) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: batchedDotBackward");
    }

    public void weightedSum(Tensor weights, Tensor values, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: weightedSum");
    }

    public void weightedSumBackward(Tensor weights, Tensor values, Tensor dOut, Tensor dWeights, Tensor dValues) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: weightedSumBackward");
    }

    public void maskedSoftmax(Tensor scores, Tensor mask, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: maskedSoftmax");
    }

    public void maskedSoftmaxBackward(Tensor p, Tensor dp, Tensor mask, Tensor dScores) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: maskedSoftmaxBackward");
    }

    public void topK(Tensor weights, int k, Tensor indices) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: topK");
    }

    public void gatherTime(Tensor x, Tensor idx, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: gatherTime");
    }

    public void scatterAddTime(Tensor dOut, Tensor idx, Tensor dX) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: scatterAddTime");
    }

    public void gatherColumns(Tensor x, Tensor idx, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: gatherColumns");
    }

    public void positive(Tensor x, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: positive");
    }

    public void nonPadding(Tensor ids, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: nonPadding");
    }

    public void attentionFeatures(Tensor q, Tensor h, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: attentionFeatures");
    }

    public void attentionFeaturesBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: attentionFeaturesBackward");
    }

    public void broadcastMul(Tensor q, Tensor h, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: broadcastMul");
    }

    public void broadcastMulBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: broadcastMulBackward");
    }
}
