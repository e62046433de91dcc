package dev.sim4j.engine.cpu;

import static dev.sim4j.engine.cpu.CpuArrays.checkIds;
import static dev.sim4j.engine.cpu.CpuArrays.f32;
import static dev.sim4j.engine.cpu.CpuArrays.i32;
import static dev.sim4j.engine.kernels.Shapes.require;

import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.simd.RowAdd;
import dev.sim4j.engine.kernels.EmbeddingKernels;
import dev.sim4j.engine.kernels.Shapes;
import java.util.Arrays;
import java.util.List;

/**
 * The CPU backend's embedding kernels: row copies for lookups, scatter-adds bucketed by destination row so every row
 * sees its additions in sequential order at any thread count, and a bitset for the distinct rows.
 */
final class CpuEmbeddings implements EmbeddingKernels {
    /** Buckets of table rows for the parallel scatter-add (a constant, so the split is the same for every run). */
    private static final int SCATTER_BUCKETS = 64;

    private final CpuParallel par;

    CpuEmbeddings(CpuParallel par) {
        this.par = par;
    }

    @Override
    public void gatherRows(Tensor table, Tensor ids, Tensor out) {
        int e = table.dim(-1);
        int rows = table.dim(0);
        int n = (int) ids.size();
        require(out.size() == (long) n * e, "gatherRows", table, ids, out);
        CpuTensor tb = f32(table);
        CpuTensor id = i32(ids);
        CpuTensor o = f32(out);
        checkIds(id, rows, "gatherRows");
        par.forChunks(n, CpuParallel.rowGrain(e), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                System.arraycopy(tb.f, tb.offset + id.i[id.offset + r] * e, o.f, o.offset + r * e, e);
            }
        });
    }

    @Override
    public void scatterAddRows(Tensor dOut, Tensor ids, Tensor dTable) {
        int e = dTable.dim(-1);
        int rows = dTable.dim(0);
        int n = (int) ids.size();
        require(dOut.size() == (long) n * e, "scatterAddRows", dOut, ids, dTable);
        CpuTensor g = f32(dOut);
        CpuTensor id = i32(ids);
        CpuTensor o = f32(dTable);
        checkIds(id, rows, "scatterAddRows");
        if (par.sequential() || (long) n * e < 4L * CpuParallel.WORK) {
            addRows(g, id, o, e, null, 0, n);
            return;
        }
        // A stable counting sort of the n positions by bucket of destination rows; each bucket then adds its rows in
        // order of n. Every table row is owned by one bucket and sees its additions in the order of the sequential
        // loop, so the result is the sequential one, bit for bit, at any thread count.
        int[] bucketStart = new int[SCATTER_BUCKETS + 1];
        int[] bucketOf = new int[n];
        for (int r = 0; r < n; r++) {
            int bkt = (int) ((long) id.i[id.offset + r] * SCATTER_BUCKETS / rows);
            bucketOf[r] = bkt;
            bucketStart[bkt + 1]++;
        }
        for (int bkt = 0; bkt < SCATTER_BUCKETS; bkt++) {
            bucketStart[bkt + 1] += bucketStart[bkt];
        }
        int[] order = new int[n];
        int[] fillAt = Arrays.copyOf(bucketStart, SCATTER_BUCKETS);
        for (int r = 0; r < n; r++) {
            order[fillAt[bucketOf[r]]++] = r;
        }
        par.forChunks(SCATTER_BUCKETS, 1, (lo, hi) -> {
            for (int bkt = lo; bkt < hi; bkt++) {
                addRows(g, id, o, e, order, bucketStart[bkt], bucketStart[bkt + 1]);
            }
        });
    }

    /** dTable[ids[r]] += dOut[r] for r = order[from..to) (or r = from..to when order is null), in that order. */
    private static void addRows(CpuTensor g, CpuTensor id, CpuTensor o, int e, int[] order, int from, int to) {
        float[] gf = g.f;
        float[] of = o.f;
        for (int q = from; q < to; q++) {
            int r = order == null ? q : order[q];
            int dst = o.offset + id.i[id.offset + r] * e;
            int src = g.offset + r * e;
            RowAdd.addInto(of, dst, gf, src, e);
        }
    }

    @Override
    public void embedSequence(Tensor items, Tensor categories, Tensor itemIds, Tensor categoryIds, int from, int to,
                              Tensor out, Tensor mask) {
        int b = itemIds.dim(0);
        int tt = itemIds.dim(1);
        int e1 = items.dim(1);
        int e2 = categories.dim(1);
        int w = to - from;
        int width = e1 + e2;
        require(from >= 0 && from <= to && to <= tt && categoryIds.size() == itemIds.size()
                && out.size() == (long) b * w * width && mask.size() == (long) b * w,
                "embedSequence", itemIds, categoryIds, out, mask);
        CpuTensor it = f32(items);
        CpuTensor ct = f32(categories);
        CpuTensor ii = i32(itemIds);
        CpuTensor ci = i32(categoryIds);
        CpuTensor o = f32(out);
        CpuTensor m = f32(mask);
        checkIds(ii, items.dim(0), "embedSequence (item ids)");
        checkIds(ci, categories.dim(0), "embedSequence (category ids)");
        par.forChunks(b, CpuParallel.rowGrain((long) w * width), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                for (int s = 0; s < w; s++) {
                    int item = ii.i[ii.offset + r * tt + from + s];
                    int cat = ci.i[ci.offset + r * tt + from + s];
                    int row = r * w + s;
                    int dst = o.offset + row * width;
                    if (item > 0) {
                        System.arraycopy(it.f, it.offset + item * e1, o.f, dst, e1);
                        System.arraycopy(ct.f, ct.offset + cat * e2, o.f, dst + e1, e2);
                        m.f[m.offset + row] = 1;
                    } else {
                        Arrays.fill(o.f, dst, dst + width, 0f);
                        m.f[m.offset + row] = 0;
                    }
                }
            }
        });
    }

    @Override
    public void embedSequenceBackward(Tensor dOut, Tensor itemIds, Tensor categoryIds, int from, int to,
                                      Tensor dItems, Tensor dCategories) {
        int b = itemIds.dim(0);
        int tt = itemIds.dim(1);
        int e1 = dItems.dim(1);
        int e2 = dCategories.dim(1);
        int w = to - from;
        require(from >= 0 && from <= to && to <= tt && categoryIds.size() == itemIds.size()
                && dOut.size() == (long) b * w * (e1 + e2), "embedSequenceBackward", dOut, itemIds, dItems);
        CpuTensor g = f32(dOut);
        CpuTensor ii = i32(itemIds);
        CpuTensor ci = i32(categoryIds);
        CpuTensor di = f32(dItems);
        CpuTensor dc = f32(dCategories);
        checkIds(ii, dItems.dim(0), "embedSequenceBackward (item ids)");
        checkIds(ci, dCategories.dim(0), "embedSequenceBackward (category ids)");
        // One pass in order of (b, t) on the calling thread, both tables from each row of dOut: the scatter is bound
        // by reading dOut (26 MB for a 2048 x 100 history), and the splits tried made threads read it again or in
        // random order: buckets of destination rows (two threads 2.3 times slower than this loop on one), tasks by
        // table or by row range (each streams all of dOut: 1.4 times slower).
        int width = e1 + e2;
        float[] gf = g.f;
        float[] itf = di.f;
        float[] ctf = dc.f;
        for (int r = 0; r < b; r++) {
            int at = r * tt + from;
            for (int s = 0; s < w; s++) {
                int item = ii.i[ii.offset + at + s];
                if (item == 0) {
                    continue;
                }
                int src = g.offset + (r * w + s) * width;
                RowAdd.addInto(itf, di.offset + item * e1, gf, src, e1);
                RowAdd.addInto(ctf, dc.offset + ci.i[ci.offset + at + s] * e2, gf, src + e1, e2);
            }
        }
    }

    /**
     * A bitset over [0, bound) marked id by id, then read out in increasing order: one pass, sequential (the ids of a
     * batch are a few million at most; marking is memory-bound), so trivially deterministic.
     */
    @Override
    public void uniqueRows(List<Tensor> ids, int bound, Tensor out, Tensor count) {
        CpuTensor o = i32(out);
        CpuTensor c = i32(count);
        Shapes.scalar(count, "uniqueRows (count)");
        long[] seen = new long[(bound + 63) >>> 6];
        for (Tensor x : ids) {
            CpuTensor id = i32(x);
            checkIds(id, bound, "uniqueRows");
            int[] v = id.i;
            for (int k = 0, at = id.offset; k < id.size; k++) {
                int i = v[at + k];
                seen[i >>> 6] |= 1L << i;
            }
        }
        int distinct = 0;
        for (long w : seen) {
            distinct += Long.bitCount(w);
        }
        require(o.size >= distinct, "uniqueRows: out too small for " + distinct + " rows", out);
        int n = 0;
        for (int w = 0; w < seen.length; w++) {
            for (long bits = seen[w]; bits != 0; bits &= bits - 1) {
                o.i[o.offset + n++] = (w << 6) + Long.numberOfTrailingZeros(bits);
            }
        }
        c.i[c.offset] = n;
    }
}
