package dev.sim4j.engine.kernels;

import dev.sim4j.engine.Tensor;
import java.util.List;

/**
 * Embedding lookups and their gradients, and the distinct rows a batch touched (for lazy Adam). Ids are I32; they
 * are checked against the tables where the batch enters the device, so a kernel may assume them in range (the CPU
 * kernels still check, which costs nothing there).
 */
public interface EmbeddingKernels {
    /** out[n, :] = table[ids[n], :], for table [R,E], ids I32 [N], out [N,E]. */
    void gatherRows(Tensor table, Tensor ids, Tensor out);

    /**
     * dTable[ids[n], :] += dOut[n, :]; rows of one id are added in order of n. (A backend may cut an id's long run of
     * additions into fixed pieces, each summed in order, the pieces then added in order: still deterministic, the
     * order fixed by the ids alone; the CUDA backend does so past 512 additions to one row.)
     */
    void scatterAddRows(Tensor dOut, Tensor ids, Tensor dTable);

    /**
     * Item vectors of positions [from, to) of behaviour sequences, with padding masked: for item ids and category ids
     * I32 [B, T], items [I, E1], categories [C, E2], out [B, to - from, E1 + E2] and mask [B, to - from]:
     * out[b, t] = concat(items[itemIds[b, from + t]], categories[categoryIds[b, from + t]]) and mask[b, t] = 1 where
     * the item id is > 0; out[b, t] = 0 and mask[b, t] = 0 where it is 0 (padding).
     */
    void embedSequence(Tensor items, Tensor categories, Tensor itemIds, Tensor categoryIds, int from, int to,
                       Tensor out, Tensor mask);

    /**
     * The gradient of {@link #embedSequence}: for every non-padding position (b, t) of [from, to),
     * dItems[itemIds[b, from + t]] += dOut[b, t, :E1] and dCategories[categoryIds[b, from + t]] += dOut[b, t, E1:];
     * each table row gets its additions in order of (b, t) (pieces of a long run as in {@link #scatterAddRows}).
     * Padding positions add nothing (their vectors are masked
     * to zero, so their gradient is zero), which spares the padding row the serial sum of half of all positions.
     */
    void embedSequenceBackward(Tensor dOut, Tensor itemIds, Tensor categoryIds, int from, int to, Tensor dItems,
                               Tensor dCategories);

    /**
     * The distinct values of all {@code ids} tensors (I32, any shapes; every value in [0, bound)), written to
     * {@code out[0, count)} in increasing order, and their number to {@code count} (I32 [1]), which stays on the
     * device. out is I32 [N] with N at least min(bound, total ids); {@code out[count, N)} is left as it was. Used to
     * collect the embedding rows a batch touched (for {@link OptimizerKernels#adamUpdateRows}); the padding id 0 is a
     * value like any other. Deterministic by construction.
     */
    void uniqueRows(List<Tensor> ids, int bound, Tensor out, Tensor count);
}
