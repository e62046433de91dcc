package dev.sim4j.cuda.backend;

import static dev.sim4j.cuda.backend.CudaBackend.cuda;

import dev.sim4j.cuda.driver.Kernel;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.kernels.EmbeddingKernels;
import dev.sim4j.engine.TensorScope;
import java.util.Arrays;
import java.util.List;

/**
 * Embedding gathers and their deterministic gradient reductions (ids sorted, segments reduced in a fixed order), and the distinct rows a batch touched. Kernels in {@code kernels/embeddings.cu}.
 *
 * <p>The reductions sort the (id, position) pairs with {@link IdSort} and add each id's gradient rows in increasing
 * position, one float add at a time, with no float atomics. An id with at most {@link #REDUCE_CHUNK} positions gets
 * the scalar reference's bits (its serial loop); a longer run (a popular item or category, hundreds of thousands of
 * positions in a batch) is cut at fixed chunks of the sorted pairs, each piece summed in order and the pieces added in
 * order: deterministic, as accurate, and without one serial chain as long as the run.
 *
 * <p>Under mixed precision the gathered vectors, the mask and the gradients read by the reductions are activations
 * (F32 or BF16, one type per call), the tables and their gradients float32 parameters; the reductions add in float32
 * in the same order whichever the activation type.
 */
public final class CudaEmbeddings implements EmbeddingKernels {
    private static final String FAMILY = "embeddings";
    /** Warps per block of the segment reduction. */
    private static final int REDUCE_WARPS = 8;
    /**
     * Sorted (id, position) pairs per chunk of the gradient reduction: ids with at most this many positions are
     * summed in the reference's order (its bits); longer runs as in-order sums of their pieces of each chunk, added
     * in order (see {@code chunk_reduce} in {@code embeddings.cu}), so no chain of adds is longer than this plus the
     * number of chunks one id covers.
     */
    static final int REDUCE_CHUNK = 512;

    /** Set once by the backend right after construction (the families exist before the backend that owns them). */
    private CudaBackend be;

    CudaEmbeddings() {
    }

    void bind(CudaBackend backend) {
        this.be = backend;
    }

    /** Kernel {@code name} of the build for activations of type {@code act}. */
    private Kernel kernel(String name, DType act) {
        return be.kernels().kernel(FAMILY, name, act).begin();
    }

    /**
     * out[n, :] = table[ids[n], :], for table [R,E], ids I32 [N] (any shape), out [N,E]. The table is a float32
     * parameter, or an activation of out's type (hidden states gathered at inference).
     */
    public void gatherRows(Tensor table, Tensor ids, Tensor out) {
        CudaTensor t = cuda(table);
        CudaTensor i = cuda(ids);
        CudaTensor o = cuda(out);
        int e = t.dim(-1);
        long n = i.size();
        require(i.dtype() == DType.I32 && o.size() == n * e, "gatherRows", table, ids, out);
        DType act = Activations.of("gatherRows", out);
        String name = "gather_rows";
        if (t.dtype().halfWidth()) {
            // Only an activation is bfloat16: then a copy between two of one type. A float32 table is rounded once.
            Activations.of("gatherRows", table, out);
            name = "gather_activation_rows";
        } else {
            Activations.parameters("gatherRows", table);
        }
        kernel(name, act).pointer(t.address()).pointer(i.address())
                .pointer(o.address()).i64(n).i32(e).launch(be.stream(), Launches.blocks(n * e), Launches.THREADS);
    }

    /** dTable[ids[n], :] += dOut[n, :], the rows of one id added in order of n, for dOut [N,E], ids I32 [N], dTable [R,E]. */
    public void scatterAddRows(Tensor dOut, Tensor ids, Tensor dTable) {
        CudaTensor g = cuda(dOut);
        CudaTensor i = cuda(ids);
        CudaTensor d = cuda(dTable);
        int e = d.dim(-1);
        long n = i.size();
        require(i.dtype() == DType.I32 && g.size() == n * e && e > 0, "scatterAddRows", dOut, ids, dTable);
        DType act = Activations.of("scatterAddRows", dOut);
        Activations.parameters("scatterAddRows", dTable);
        if (n == 0) {
            return;
        }
        int rows = Math.toIntExact(d.size() / e);
        reduceRows(act, i.address(), checkedCount(n), rows, -1, g.address(), e, e, d.address());
    }

    /**
     * out[b, t] = concat(items[itemIds[b, from + t]], categories[categoryIds[b, from + t]]) and mask[b, t] = 1 where
     * the item id is above 0, zeros where it is the padding 0; ids I32 [B,T], items [I,E1], categories [C,E2], out
     * [B, to - from, E1 + E2], mask [B, to - from].
     */
    public void embedSequence(Tensor items, Tensor categories, Tensor itemIds, Tensor categoryIds, int from, int to, Tensor out, Tensor mask) {
        CudaTensor it = cuda(items);
        CudaTensor ct = cuda(categories);
        CudaTensor ii = cuda(itemIds);
        CudaTensor ci = cuda(categoryIds);
        CudaTensor o = cuda(out);
        CudaTensor mk = cuda(mask);
        int b = ii.dim(0);
        int tt = ii.dim(1);
        int e1 = it.dim(1);
        int e2 = ct.dim(1);
        int w = to - from;
        require(from >= 0 && from <= to && to <= tt && ci.size() == ii.size()
                && o.size() == (long) b * w * (e1 + e2) && mk.size() == (long) b * w,
                "embedSequence", itemIds, categoryIds, out, mask);
        DType act = Activations.of("embedSequence", out, mask);
        Activations.parameters("embedSequence", items, categories);
        kernel("embed_sequence", act).pointer(it.address()).pointer(ct.address())
                .pointer(ii.address()).pointer(ci.address()).i32(b).i32(tt).i32(from).i32(w).i32(e1).i32(e2)
                .pointer(o.address()).pointer(mk.address())
                .launch(be.stream(), Launches.blocks((long) b * w * (e1 + e2)), Launches.THREADS);
    }

    /**
     * The gradient of {@link #embedSequence}: for every non-padding position (b, t) of [from, to), dItems[item] +=
     * dOut[b, t, :E1] and dCategories[category] += dOut[b, t, E1:], each table row's additions in order of (b, t).
     * Item keys skip the padding id 0; category keys of padding positions are the sentinel C (one past the table),
     * which the reduction skips.
     */
    public void embedSequenceBackward(Tensor dOut, Tensor itemIds, Tensor categoryIds, int from, int to, Tensor dItems, Tensor dCategories) {
        CudaTensor g = cuda(dOut);
        CudaTensor ii = cuda(itemIds);
        CudaTensor ci = cuda(categoryIds);
        CudaTensor di = cuda(dItems);
        CudaTensor dc = cuda(dCategories);
        int b = ii.dim(0);
        int tt = ii.dim(1);
        int e1 = di.dim(1);
        int e2 = dc.dim(1);
        int w = to - from;
        require(from >= 0 && from <= to && to <= tt && ci.size() == ii.size()
                && g.size() == (long) b * w * (e1 + e2), "embedSequenceBackward", dOut, itemIds, dItems);
        DType act = Activations.of("embedSequenceBackward", dOut);
        Activations.parameters("embedSequenceBackward", dItems, dCategories);
        long n = (long) b * w;
        if (n == 0) {
            return;
        }
        int itemRows = di.dim(0);
        int catRows = dc.dim(0);
        try (TensorScope scope = be.openScope()) {
            CudaTensor itemKeys = cuda(be.empty(DType.I32, checkedCount(n)));
            CudaTensor catKeys = cuda(be.empty(DType.I32, checkedCount(n)));
            be.kernels().kernel(FAMILY, "sequence_keys").begin().pointer(ii.address()).pointer(ci.address()).i32(b)
                    .i32(tt).i32(from).i32(w).i32(catRows).pointer(itemKeys.address()).pointer(catKeys.address())
                    .launch(be.stream(), Launches.blocks(n), Launches.THREADS);
            if (e1 > 0) {
                reduceRows(act, itemKeys.address(), (int) n, itemRows, 0, g.address(), e1 + e2, e1,
                        di.address());
            }
            if (e2 > 0) {
                reduceRows(act, catKeys.address(), (int) n, catRows + 1, catRows, g.address(e1), e1 + e2, e2,
                        dc.address());
            }
        }
    }

    /**
     * The distinct values of all ids tensors (I32, any shapes, values in [0, bound)) into out[0, count) in increasing
     * order, their number into count (I32 [1]), all on the device; out[count, N) is left as it was.
     */
    public void uniqueRows(List<Tensor> ids, int bound, Tensor out, Tensor count) {
        CudaTensor o = cuda(out);
        CudaTensor c = cuda(count);
        require(o.dtype() == DType.I32 && c.dtype() == DType.I32 && c.size() == 1 && bound > 0, "uniqueRows", out,
                count);
        long total = 0;
        for (Tensor t : ids) {
            require(t.dtype() == DType.I32, "uniqueRows", t);
            total += t.size();
        }
        if (total == 0) {
            be.fill(c, 0);
            return;
        }
        int n = checkedCount(total);
        require(o.size() >= Math.min(bound, total), "uniqueRows: out too small", out);
        try (TensorScope scope = be.openScope()) {
            long keys;
            if (ids.size() == 1) {
                keys = cuda(ids.get(0)).address();
            } else {
                CudaTensor all = cuda(be.empty(DType.I32, n));
                int at = 0;
                for (Tensor t : ids) {
                    int size = (int) t.size();
                    if (size > 0) {
                        be.copy(t, all.rows(at, at + size));
                    }
                    at += size;
                }
                keys = all.address();
            }
            IdSort.Sorted sorted = IdSort.sort(be, keys, n, bound, false);
            CudaTensor index = cuda(be.empty(DType.I32, n));
            IdSort.flagsAndScan(be, sorted.keys().address(), n, index, c.address());
            be.kernels().kernel(FAMILY, "unique_keys").begin().pointer(sorted.keys().address())
                    .pointer(index.address()).i32(n).pointer(o.address())
                    .launch(be.stream(), Launches.blocks(n), Launches.THREADS);
        }
    }

    /**
     * dT[key, :] += g[pos, :] for the n keys at {@code keys} (in [0, bound)), pos their index, g (activations of
     * type act) rows ldg elements apart, e columns, dT [bound, e] float32 and dense; keys equal to skipKey add
     * nothing. Its temporaries live in a scope of their own, so a second reduction (the categories after the items)
     * reuses them.
     */
    private void reduceRows(DType act, long keys, int n, int bound, int skipKey, long g, int ldg, int e, long dT) {
        try (TensorScope scope = be.openScope()) {
            IdSort.Sorted sorted = IdSort.sort(be, keys, n, bound, true);
            IdSort.Segments segments = IdSort.segments(be, sorted.keys().address(), n);
            long chunks = ((long) n + REDUCE_CHUNK - 1) / REDUCE_CHUNK;
            CudaTensor partials = cuda(be.empty(DType.F32, Math.toIntExact(chunks * 2 * e)));
            boolean half = e <= 16;
            int groupsPerBlock = REDUCE_WARPS * (half ? 2 : 1);
            int chunkBlocks = (int) Math.min(Launches.MAX_BLOCKS, (chunks + groupsPerBlock - 1) / groupsPerBlock);
            kernel(half ? "chunk_reduce_half" : "chunk_reduce", act)
                    .pointer(sorted.keys().address()).pointer(sorted.positions().address()).i32(n).i32(REDUCE_CHUNK)
                    .i32(skipKey).pointer(g).i32(ldg).i32(e).pointer(dT).pointer(partials.address())
                    .launch(be.stream(), chunkBlocks, 32 * REDUCE_WARPS);
            int segmentBlocks = (int) Math.min(Launches.MAX_BLOCKS, ((long) n + groupsPerBlock - 1) / groupsPerBlock);
            kernel(half ? "long_segments_half" : "long_segments", act)
                    .pointer(sorted.keys().address()).pointer(segments.starts().address())
                    .pointer(segments.count().address()).i32(REDUCE_CHUNK).i32(skipKey).i32(e).pointer(dT)
                    .pointer(partials.address())
                    .launch(be.stream(), segmentBlocks, 32 * REDUCE_WARPS);
        }
    }

    private static int checkedCount(long n) {
        if (n > IdSort.MAX_KEYS) {
            throw new IllegalArgumentException(n + " ids: more than the " + IdSort.MAX_KEYS + " one sort handles");
        }
        return (int) n;
    }

    private static void require(boolean ok, String what, Tensor... ts) {
        if (!ok) {
            StringBuilder s = new StringBuilder(what).append(": bad shapes");
            for (Tensor t : ts) {
                s.append(' ').append(t.dtype()).append(Arrays.toString(t.shape()));
            }
            throw new IllegalArgumentException(s.toString());
        }
    }
}
