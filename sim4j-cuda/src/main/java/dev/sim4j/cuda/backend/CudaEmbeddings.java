package dev.sim4j.cuda.backend;

import dev.sim4j.engine.Tensor;
import java.util.List;

/**
 * Embedding gathers and their deterministic gradient reductions (ids sorted, segments reduced in a fixed order), and the distinct rows a batch touched. Kernels in {@code kernels/embeddings.cu}.
 */
public final class CudaEmbeddings {
    private final CudaBackend be;

    CudaEmbeddings(CudaBackend be) {
        this.be = be;
    }

    public void gatherRows(Tensor table, Tensor ids, Tensor out) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: gatherRows");
    }

    public void scatterAddRows(Tensor dOut, Tensor ids, Tensor dTable) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: scatterAddRows");
    }

    public void embedSequence(Tensor items, Tensor categories, Tensor itemIds, Tensor categoryIds, int from, int to, Tensor out, Tensor mask) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: embedSequence");
    }

    public void embedSequenceBackward(Tensor dOut, Tensor itemIds, Tensor categoryIds, int from, int to, Tensor dItems, Tensor dCategories) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: embedSequenceBackward");
    }

    public void uniqueRows(List<Tensor> ids, int bound, Tensor out, Tensor count) {
        throw new UnsupportedOperationException("CUDA kernel not written yet: uniqueRows");
    }
}
