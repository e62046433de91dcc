package dev.sim4j.engine.cpu;

import static dev.sim4j.engine.cpu.CpuArrays.f32;

import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.simd.Gemm;
import dev.sim4j.engine.kernels.Shapes;

/**
 * The CPU backend's GEMM driver: C tiles (and, for long reductions, K parts) as parallel chunks over the Vector API
 * micro-kernel in {@link Gemm}; the split depends on the shapes only.
 */
final class CpuGemm {
    /** GEMM cache tile of C per parallel chunk: rows (a multiple of {@link Gemm#MR}) and columns. */
    private static final int MC = 64;
    private static final int NC = 128;
    /**
     * GEMM reduction super-block: the p-range all chunks sweep before moving on, so the A and B rows they share stay
     * in the last-level cache when p is the long batch dimension (weight gradients, A^T B).
     */
    private static final int KSUPER = 4096;
    /** Products with fewer C tiles than this and K >= 2 KSUPER split K (see matmulSplitK). */
    private static final int SPLIT_K_TILES = 8;
    /** At most this many K parts. */
    private static final int SPLIT_K_PARTS = 8;

    private final CpuParallel par;
    private final Scratch scratch;
    
    CpuGemm(CpuParallel par, Scratch scratch) {
        this.par = par;
        this.scratch = scratch;
    }

    /**
     * Element-wise work on a finished rectangle of C, rows {@code [i0, i1)} and columns {@code [j0, j1)} of
     * {@code c[cOff + i ldc + j]}: run on each C tile right after its last block, while it is in cache, instead of
     * as a pass of its own over C. It must treat each element on its own (the tiles' boundaries depend on the shape,
     * and the result must not).
     */
    @FunctionalInterface
    interface Epilogue {
        void apply(float[] c, int cOff, int ldc, int i0, int i1, int j0, int j1);
    }

    /** {@link dev.sim4j.engine.kernels.DenseKernels#matmul}. */
    void matmul(Tensor a, boolean ta, Tensor b, boolean tb, Tensor c, double beta) {
        matmul(a, ta, b, tb, c, beta, null);
    }

    /** {@link #matmul} with an epilogue applied to every element of C once the product is complete (null: none). */
    void matmul(Tensor a, boolean ta, Tensor b, boolean tb, Tensor c, double beta, Epilogue epilogue) {
        Shapes.matmul(a, ta, b, tb, c);
        int m = ta ? a.dim(1) : a.dim(0);
        int k = ta ? a.dim(0) : a.dim(1);
        int n = tb ? b.dim(0) : b.dim(1);
        CpuTensor x = f32(a);
        CpuTensor y = f32(b);
        CpuTensor z = f32(c);
        if (m == 0 || n == 0) {
            return;
        }
        int lda = a.dim(1);
        int ldb = b.dim(1);
        // A is read in place through strides; the kernel wants rows of B contiguous, so B^T is transposed once
        // (K x N floats, small next to the M x K x N work).
        int aSI = ta ? 1 : lda;
        int aSP = ta ? lda : 1;
        float[] bArr;
        int bOff;
        if (tb) {
            bArr = scratch.floats(Scratch.Slot.TRANSPOSED_B, k * n);
            bOff = 0;
            float[] src = y.f;
            int so = y.offset;
            for (int j = 0; j < n; j++) {
                int row = so + j * ldb;
                for (int p = 0; p < k; p++) {
                    bArr[p * n + j] = src[row + p];
                }
            }
        } else {
            bArr = y.f;
            bOff = y.offset;
        }
        int bLd = tb ? n : ldb;
        if (n == 1 && k > 0 && ta) {
            // C [M x 1] = A^T b as the row C^T = b^T A: A's rows are then the contiguous rows of the right operand,
            // so the kernel's vectors run along C's M elements instead of using one lane of each. Each element is
            // the same FMA chain over p, and p is split (or not) as the product itself would be, so the bits are too.
            tiled(bArr, bOff, 0, bLd, x.f, x.offset, aSP, z.f, z.offset, 1, m, k, (float) beta, splitsK(m, n, k),
                    null);
            finish(z, m, epilogue);
            return;
        }
        if (n == 1 && k > 0 && !splitsK(m, n, k)) {
            // One dot product per row of A: four rows' scalar FMA chains at a time, not one vector lane of sixteen.
            float[] af = x.f;
            int ao = x.offset;
            float[] cf = z.f;
            int co = z.offset;
            par.forChunks(m, CpuParallel.rowGrain(k), (lo, hi) ->
                    Gemm.column(af, ao, aSI, aSP, bArr, bOff, bLd, cf, co, 1, lo, hi, k, (float) beta));
            finish(z, m, epilogue);
            return;
        }
        if (ta && !tb && k > 0 && columnsFit(m) > columnsFit(n) && n < m) {
            transposedWeightGradient(x, lda, y, ldb, z, m, n, k, (float) beta, epilogue);
            return;
        }
        tiled(x.f, x.offset, aSI, aSP, bArr, bOff, bLd, z.f, z.offset, m, n, k, (float) beta, splitsK(m, n, k),
                epilogue);
    }

    /** The share of the vector lanes that {@code n} columns of C fill (their last vector may be partial). */
    private static double columnsFit(int n) {
        int v = Gemm.NR / 2;
        return n / (double) (((n + v - 1) / v) * v);
    }

    /**
     * C = A^T B + beta C as C^T = B^T A, when C's columns are few and fill their vectors worse than its rows would
     * (the aux MLP's [100 x 50] and DIEN attention's [80 x 40] weight gradients: 1.5-1.8x faster so, the tiles' B
     * panels then being the wide operand). Each element is the same FMA chain over p as in the other orientation
     * (a b = b a), and K is split exactly as {@link #splitsK} decides for C itself, so the bits are the same.
     */
    private void transposedWeightGradient(CpuTensor a, int lda, CpuTensor b, int ldb, CpuTensor c, int m, int n, int k,
                                          float beta, Epilogue epilogue) {
        float[] ct = scratch.floats(Scratch.Slot.TRANSPOSED_C, m * n);
        float[] cf = c.f;
        int co = c.offset;
        if (beta != 0f) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    ct[j * m + i] = cf[co + i * n + j];
                }
            }
        }
        tiled(b.f, b.offset, 1, ldb, a.f, a.offset, lda, ct, 0, n, m, k, beta, splitsK(m, n, k), null);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                cf[co + i * n + j] = ct[j * m + i];
            }
        }
        if (epilogue != null) {
            par.forChunks(m, CpuParallel.rowGrain(n), (lo, hi) -> epilogue.apply(cf, co, n, lo, hi, 0, n));
        }
    }

    /** The epilogue over a one-column C [m x 1] as a pass of its own (those products have no tiles to ride on). */
    private void finish(CpuTensor c, int m, Epilogue epilogue) {
        if (epilogue != null) {
            par.forChunks(m, CpuParallel.WORK, (lo, hi) -> epilogue.apply(c.f, c.offset, 1, lo, hi, 0, 1));
        }
    }

    private static boolean splitsK(int m, int n, int k) {
        int tiles = ((m + MC - 1) / MC) * ((n + NC - 1) / NC);
        return tiles < SPLIT_K_TILES && k >= 2 * KSUPER;
    }

    /**
     * C [m x n] (leading dimension n) = A B + beta C over parallel C tiles and, where {@code splitK} (a long
     * reduction into few tiles, {@link #splitsK}), K parts.
     */
    private void tiled(float[] af, int ao, int aSI, int aSP, float[] bArr, int bOff, int bLd, float[] cf, int co,
                       int m, int n, int k, float beta, boolean splitK, Epilogue epilogue) {
        int tilesM = (m + MC - 1) / MC;
        int tilesN = (n + NC - 1) / NC;
        if (k == 0) {
            par.forChunks(tilesM * tilesN, 1, (lo, hi) -> {
                for (int t = lo; t < hi; t++) {
                    int i0 = (t / tilesN) * MC;
                    int j0 = (t % tilesN) * NC;
                    int i1 = Math.min(m, i0 + MC);
                    int j1 = Math.min(n, j0 + NC);
                    Gemm.block(af, ao, aSI, aSP, bArr, bOff, bLd, cf, co, n, i0, i1, j0, j1, 0, 0, beta, null);
                    if (epilogue != null) {
                        epilogue.apply(cf, co, n, i0, i1, j0, j1);
                    }
                }
            });
            return;
        }
        if (splitK) {
            matmulSplitK(af, ao, aSI, aSP, bArr, bOff, bLd, cf, co, m, n, k, tilesM, tilesN, beta, epilogue);
            return;
        }
        for (int p0 = 0; p0 < k; p0 += KSUPER) {
            int p1 = Math.min(k, p0 + KSUPER);
            float be = p0 == 0 ? beta : 1f;
            int from = p0;
            Epilogue last = p1 == k ? epilogue : null;
            par.forChunks(tilesM * tilesN, 1, (lo, hi) -> {
                float[] tp = scratch.floats(Scratch.Slot.TAIL_PANEL, Gemm.SCRATCH);
                for (int t = lo; t < hi; t++) {
                    int i0 = (t / tilesN) * MC;
                    int j0 = (t % tilesN) * NC;
                    int i1 = Math.min(m, i0 + MC);
                    int j1 = Math.min(n, j0 + NC);
                    Gemm.block(af, ao, aSI, aSP, bArr, bOff, bLd, cf, co, n, i0, i1, j0, j1, from, p1, be, tp);
                    if (last != null) {
                        last.apply(cf, co, n, i0, i1, j0, j1);
                    }
                }
            });
        }
    }

    /**
     * A product with a long reduction and few output tiles (a weight gradient A^T B over B x T rows into a small
     * kernel): tiling C alone would leave threads idle, so K is cut into a number of parts fixed by K alone, each
     * (part, tile) pair is a chunk writing its own partial product, and the partials are added in part order. The
     * split depends on the shapes only, so the result is the same at every thread count.
     */
    private void matmulSplitK(float[] af, int ao, int aSI, int aSP, float[] bArr, int bOff, int bLd, float[] cf, int co,
                              int m, int n, int k, int tilesM, int tilesN, float beta, Epilogue epilogue) {
        int parts = Math.min(SPLIT_K_PARTS, k / KSUPER);
        int tiles = tilesM * tilesN;
        int size = m * n;
        float[] partial = scratch.floats(Scratch.Slot.SPLIT_K_PARTIALS, parts * size);
        par.forChunks(parts * tiles, 1, (lo, hi) -> {
            float[] tp = scratch.floats(Scratch.Slot.TAIL_PANEL, Gemm.SCRATCH);
            for (int q = lo; q < hi; q++) {
                int part = q / tiles;
                int t = q % tiles;
                int p0 = (int) ((long) part * k / parts);
                int p1 = (int) ((long) (part + 1) * k / parts);
                int i0 = (t / tilesN) * MC;
                int j0 = (t % tilesN) * NC;
                Gemm.block(af, ao, aSI, aSP, bArr, bOff, bLd, partial, part * size, n, i0, Math.min(m, i0 + MC), j0,
                        Math.min(n, j0 + NC), p0, p1, 0f, tp);
            }
        });
        par.forChunks(m, CpuParallel.rowGrain((long) n * parts), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j < n; j++) {
                    int e = i * n + j;
                    float sum = partial[e];
                    for (int part = 1; part < parts; part++) {
                        sum += partial[part * size + e];
                    }
                    cf[co + e] = beta == 0f ? sum : beta * cf[co + e] + sum;
                }
            }
            if (epilogue != null) {
                epilogue.apply(cf, co, n, lo, hi, 0, n);
            }
        });
    }
}
