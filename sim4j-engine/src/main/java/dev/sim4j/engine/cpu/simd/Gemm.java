package dev.sim4j.engine.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 GEMM block kernel: {@code C[i, j] = beta C[i, j] + sum over p of a(i, p) b(p, j)} for one rectangle of C
 * and one range of p, with register tiles of {@link #MR} (or six) rows by two vectors of columns, or with 512-bit
 * vectors four rows by four vectors first, and fused multiply-adds.
 *
 * <p>Operands are strided views, so one kernel serves every transpose combination without packing A:
 * {@code a(i, p) = a[aOff + i aSI + p aSP]}, {@code b(p, j) = b[bOff + p ldb + j]} (row {@code p} of B contiguous;
 * the caller transposes B first when it is given as B^T), {@code c(i, j) = c[cOff + i ldc + j]}.
 *
 * <p>Every element of C is reduced over p in ascending order, one FMA per step, whatever tile or tail path it falls
 * in (the last partial vector of columns runs under a mask, not through a scalar loop), so a result does not depend
 * on how the caller cuts C into blocks or how many threads run them.
 */
public final class Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    /** Rows of C per register tile. */
    public static final int MR = 4;
    /** Columns of C per register tile: two vectors (16 floats on AVX2, 32 on AVX-512). */
    public static final int NR = 2 * V;
    /**
     * Steps of p per cache block: the {@code KC x NR} panel of B (8 KB) and the caller's 64-row slab of A (32 KB)
     * stay in L1/L2 while the row tiles pass over them. 128 measured best on Zen 3 (32 KB L1d); packing A into
     * micro-panels measured slower at the model's shapes (K at most 400), so A is read in place.
     */
    public static final int KC = 128;
    /**
     * Whether the wide register tile (4 rows by four vectors: 16 accumulators, four B vectors and a broadcast, 21
     * registers) fits: 512-bit vectors come with 32 vector registers (AVX-512), where it does 16 FMAs per four B loads
     * and four broadcasts (the 6 x 2 tile 12 per two and six), about 10 % more FMAs a cycle at the model's shapes;
     * AVX2's 16 registers would spill it.
     */
    private static final boolean WIDE = S.vectorBitSize() >= 512;
    /** Columns of C per wide tile. */
    private static final int NW = 4 * V;

    private Gemm() {
    }

    /**
     * Computes rows {@code [i0, i1)} and columns {@code [j0, j1)} of C over {@code p in [p0, p1)}; {@code beta} scales
     * the old C first ({@code beta == 0} overwrites, ignoring what was there, NaN included).
     */
    public static void block(float[] a, int aOff, int aSI, int aSP, float[] b, int bOff, int ldb, float[] c, int cOff,
                             int ldc, int i0, int i1, int j0, int j1, int p0, int p1, float beta) {
        block(a, aOff, aSI, aSP, b, bOff, ldb, c, cOff, ldc, i0, i1, j0, j1, p0, p1, beta, null);
    }

    /** Floats of the scratch array {@link #block} takes: the tail panel of a partial column vector. */
    public static final int SCRATCH = V + KC * V;

    /**
     * {@link #block} with a scratch array of at least {@link #SCRATCH} floats for the partial column vectors (its
     * contents do not matter and are overwritten), so that a caller running many blocks allocates it once; null
     * allocates one when needed.
     */
    public static void block(float[] a, int aOff, int aSI, int aSP, float[] b, int bOff, int ldb, float[] c, int cOff,
                             int ldc, int i0, int i1, int j0, int j1, int p0, int p1, float beta, float[] scratch) {
        // With beta == 0 the first cache block's accumulators start at zero instead of reading C: a product with a
        // short reduction (K of 32 to 100 over tens of thousands of rows) is bound by passes over C, and this saves
        // two of its three. (+0 either way, so the same bits as zeroing C first.)
        boolean zeroStart = beta == 0f && p1 > p0;
        if (beta != 1f && !zeroStart) {
            for (int i = i0; i < i1; i++) {
                int row = cOff + i * ldc;
                for (int j = j0; j < j1; j++) {
                    c[row + j] = beta == 0f ? 0f : beta * c[row + j];
                }
            }
        }
        float[] tp = scratch;
        for (int kb = p0; kb < p1; kb += KC) {
            int kLen = Math.min(KC, p1 - kb);
            boolean fresh = zeroStart && kb == p0;
            int j = j0;
            if (WIDE) {
                for (; j + NW <= j1; j += NW) {
                    int i = i0;
                    for (; i + MR <= i1; i += MR) {
                        tile4x4(a, aOff + i * aSI + kb * aSP, aSI, aSP, b, bOff + kb * ldb + j, ldb, c,
                                cOff + i * ldc + j, ldc, kLen, fresh);
                    }
                    for (; i < i1; i++) {
                        tile1x2(a, aOff + i * aSI + kb * aSP, aSP, b, bOff + kb * ldb + j, ldb, c, cOff + i * ldc + j,
                                kLen, fresh);
                        tile1x2(a, aOff + i * aSI + kb * aSP, aSP, b, bOff + kb * ldb + j + NR, ldb, c,
                                cOff + i * ldc + j + NR, kLen, fresh);
                    }
                }
                // 33 to 63 columns left (an MLP of 50 or 40 units): one tile of three or four vectors, the last
                // one partial, rather than a two-vector tile and one-vector tails that load B for every row.
                int left = j1 - j;
                if (left > NR && i1 - i0 >= MR) {
                    int vectors = (left + V - 1) / V;
                    int lanes = left - (vectors - 1) * V;
                    if (tp == null) {
                        tp = new float[SCRATCH];
                    }
                    tailPanel(b, bOff + kb * ldb + j + (vectors - 1) * V, ldb, kLen, lanes, tp);
                    VectorMask<Float> m = tailMask(lanes);
                    int i = i0;
                    for (; i + MR <= i1; i += MR) {
                        int ai = aOff + i * aSI + kb * aSP;
                        int bi = bOff + kb * ldb + j;
                        int ci = cOff + i * ldc + j;
                        if (vectors == 4) {
                            tile4x4t(a, ai, aSI, aSP, b, bi, ldb, tp, c, ci, ldc, kLen, lanes, fresh);
                        } else {
                            tile4x3t(a, ai, aSI, aSP, b, bi, ldb, tp, c, ci, ldc, kLen, lanes, fresh);
                        }
                    }
                    for (; i < i1; i++) {
                        for (int v = 0; v < vectors; v++) {
                            tile1x1(a, aOff + i * aSI + kb * aSP, aSP, b, bOff + kb * ldb + j + v * V, ldb, c,
                                    cOff + i * ldc + j + v * V, kLen, v == vectors - 1 ? m : ALL, fresh);
                        }
                    }
                    j = j1;
                }
            }
            for (; j + NR <= j1; j += NR) {
                int i = i0;
                for (; i + 6 <= i1; i += 6) {
                    tile6x2(a, aOff + i * aSI + kb * aSP, aSI, aSP, b, bOff + kb * ldb + j, ldb, c, cOff + i * ldc + j,
                            ldc, kLen, fresh);
                }
                for (; i + MR <= i1; i += MR) {
                    tile4x2(a, aOff + i * aSI + kb * aSP, aSI, aSP, b, bOff + kb * ldb + j, ldb, c, cOff + i * ldc + j,
                            ldc, kLen, fresh);
                }
                for (; i < i1; i++) {
                    tile1x2(a, aOff + i * aSI + kb * aSP, aSP, b, bOff + kb * ldb + j, ldb, c, cOff + i * ldc + j, kLen,
                            fresh);
                }
            }
            // More than one vector and less than two left: the six-row tile with its second vector partial.
            if (j1 - j > V && j1 - j < NR && i1 - i0 >= 6) {
                int lanes = j1 - j - V;
                if (tp == null) {
                    tp = new float[SCRATCH];
                }
                tailPanel(b, bOff + kb * ldb + j + V, ldb, kLen, lanes, tp);
                VectorMask<Float> m = tailMask(lanes);
                int i = i0;
                for (; i + 6 <= i1; i += 6) {
                    tile6x2t(a, aOff + i * aSI + kb * aSP, aSI, aSP, b, bOff + kb * ldb + j, ldb, tp, c,
                            cOff + i * ldc + j, ldc, kLen, lanes, fresh);
                }
                for (; i < i1; i++) {
                    tile1x1(a, aOff + i * aSI + kb * aSP, aSP, b, bOff + kb * ldb + j, ldb, c, cOff + i * ldc + j, kLen,
                            ALL, fresh);
                    tile1x1(a, aOff + i * aSI + kb * aSP, aSP, b, bOff + kb * ldb + j + V, ldb, c,
                            cOff + i * ldc + j + V, kLen, m, fresh);
                }
                j = j1;
            }
            // The last columns, one vector at a time; a final partial vector runs under a mask, so every column
            // goes through vector FMA lanes (bitwise the same as a scalar Math.fma chain over p).
            for (; j < j1; j += V) {
                VectorMask<Float> m = j1 - j >= V ? ALL : tailMask(j1 - j);
                int i = i0;
                if (m == ALL) {
                    for (; i + 8 <= i1; i += 8) {
                        tile8x1(a, aOff + i * aSI + kb * aSP, aSI, aSP, b, bOff + kb * ldb + j, ldb, c,
                                cOff + i * ldc + j, ldc, kLen, fresh);
                    }
                }
                for (; i + MR <= i1; i += MR) {
                    tile4x1(a, aOff + i * aSI + kb * aSP, aSI, aSP, b, bOff + kb * ldb + j, ldb, c, cOff + i * ldc + j,
                            ldc, kLen, m, fresh);
                }
                for (; i < i1; i++) {
                    tile1x1(a, aOff + i * aSI + kb * aSP, aSP, b, bOff + kb * ldb + j, ldb, c, cOff + i * ldc + j, kLen,
                            m, fresh);
                }
            }
        }
    }

    /**
     * The masks are made from their lane bits: indexInRange ran as a slow library fallback here (3-4 % of a scoring
     * pass's samples), and both give the same lanes.
     */
    private static final VectorMask<Float> ALL = VectorMask.fromLong(S, -1L);

    private static VectorMask<Float> tailMask(int lanes) {
        return VectorMask.fromLong(S, (1L << lanes) - 1);
    }

    /**
     * A tile's last, partial vector of columns runs from the tail panel {@code tp}: its first {@link #PANEL} floats
     * are room to move a partial vector of C through, then row p of the block's B columns at {@code PANEL + p V}.
     * What lies past {@code lanes} (zeros, or a reused scratch's old values) only reaches lanes that are never stored:
     * each lane is its own FMA chain. So the inner loop has only whole-vector loads: masked ones there made the tile
     * too big for the JIT's first tier, and the method then never reached the optimising compiler.
     */
    private static final int PANEL = V;

    private static void tailPanel(float[] b, int bi, int ldb, int kLen, int lanes, float[] tp) {
        for (int p = 0; p < kLen; p++) {
            System.arraycopy(b, bi + p * ldb, tp, PANEL + p * V, lanes);
        }
    }

    // The partial vector of C moves through tp's first PANEL floats; the tiles load and store it themselves, since
    // a helper taking or returning the vector boxed it whenever the JIT did not inline it into the (large) tile.
    private static float[] tailIn(float[] c, int ci, int lanes, float[] tp) {
        System.arraycopy(c, ci, tp, 0, lanes);
        return tp;
    }

    /**
     * A column of C as the product of A (strided, as in {@link #block}) with a single column of B
     * ({@code b(p) = b[bOff + p ldb]}), for rows {@code [i0, i1)}: each element is the same scalar FMA chain over
     * {@code p in [0, k)} as in {@link #block} (after its beta scaling), four rows at a time so that four chains are
     * in flight. A one-vector tile would use one lane of sixteen.
     */
    public static void column(float[] a, int aOff, int aSI, int aSP, float[] b, int bOff, int ldb, float[] c, int cOff,
                              int ldc, int i0, int i1, int k, float beta) {
        int i = i0;
        for (; i + 4 <= i1; i += 4) {
            int a0 = aOff + i * aSI;
            int a1 = a0 + aSI;
            int a2 = a1 + aSI;
            int a3 = a2 + aSI;
            int ci = cOff + i * ldc;
            float s0 = start(c, ci, beta);
            float s1 = start(c, ci + ldc, beta);
            float s2 = start(c, ci + 2 * ldc, beta);
            float s3 = start(c, ci + 3 * ldc, beta);
            int bi = bOff;
            for (int p = 0; p < k; p++) {
                float x = b[bi];
                s0 = Math.fma(a[a0], x, s0);
                s1 = Math.fma(a[a1], x, s1);
                s2 = Math.fma(a[a2], x, s2);
                s3 = Math.fma(a[a3], x, s3);
                a0 += aSP;
                a1 += aSP;
                a2 += aSP;
                a3 += aSP;
                bi += ldb;
            }
            c[ci] = s0;
            c[ci + ldc] = s1;
            c[ci + 2 * ldc] = s2;
            c[ci + 3 * ldc] = s3;
        }
        for (; i < i1; i++) {
            int ai = aOff + i * aSI;
            int ci = cOff + i * ldc;
            float s0 = start(c, ci, beta);
            int bi = bOff;
            for (int p = 0; p < k; p++) {
                s0 = Math.fma(a[ai], b[bi], s0);
                ai += aSP;
                bi += ldb;
            }
            c[ci] = s0;
        }
    }

    private static float start(float[] c, int ci, float beta) {
        return beta == 0f ? 0f : beta == 1f ? c[ci] : beta * c[ci];
    }

    // Twelve accumulators, two B vectors and one broadcast: fifteen of AVX2's sixteen registers, and 12 FMAs per two
    // B loads and six broadcasts (the 4-row tile does 8 per 2 and 4), so the load ports bind less.
    private static void tile6x2(float[] a, int ai, int aSI, int aSP, float[] b, int bi, int ldb, float[] c, int ci,
                                int ldc, int kLen, boolean fresh) {
        int c1 = ci + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        FloatVector c00 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci);
        FloatVector c01 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + V);
        FloatVector c10 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1);
        FloatVector c11 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1 + V);
        FloatVector c20 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2);
        FloatVector c21 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2 + V);
        FloatVector c30 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3);
        FloatVector c31 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3 + V);
        FloatVector c40 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c4);
        FloatVector c41 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c4 + V);
        FloatVector c50 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c5);
        FloatVector c51 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c5 + V);
        int a1 = aSI;
        int a2 = 2 * aSI;
        int a3 = 3 * aSI;
        int a4 = 4 * aSI;
        int a5 = 5 * aSI;
        for (int p = 0; p < kLen; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[ai + a1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[ai + a2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[ai + a3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, a[ai + a4]);
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, a[ai + a5]);
            c50 = b0.fma(x, c50);
            c51 = b1.fma(x, c51);
            ai += aSP;
            bi += ldb;
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + V);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + V);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + V);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + V);
        c40.intoArray(c, c4);
        c41.intoArray(c, c4 + V);
        c50.intoArray(c, c5);
        c51.intoArray(c, c5 + V);
    }

    // Sixteen accumulators over four B vectors: each broadcast of A serves four FMAs (see WIDE).
    private static void tile4x4(float[] a, int ai, int aSI, int aSP, float[] b, int bi, int ldb, float[] c, int ci,
                                int ldc, int kLen, boolean fresh) {
        int c1 = ci + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector c00 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci);
        FloatVector c01 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + V);
        FloatVector c02 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + 2 * V);
        FloatVector c03 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + 3 * V);
        FloatVector c10 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1);
        FloatVector c11 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1 + V);
        FloatVector c12 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1 + 2 * V);
        FloatVector c13 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1 + 3 * V);
        FloatVector c20 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2);
        FloatVector c21 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2 + V);
        FloatVector c22 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2 + 2 * V);
        FloatVector c23 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2 + 3 * V);
        FloatVector c30 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3);
        FloatVector c31 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3 + V);
        FloatVector c32 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3 + 2 * V);
        FloatVector c33 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3 + 3 * V);
        int a1 = aSI;
        int a2 = 2 * aSI;
        int a3 = 3 * aSI;
        for (int p = 0; p < kLen; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * V);
            FloatVector b3 = FloatVector.fromArray(S, b, bi + 3 * V);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(S, a[ai + a1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(S, a[ai + a2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(S, a[ai + a3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
            c33 = b3.fma(x, c33);
            ai += aSP;
            bi += ldb;
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + V);
        c02.intoArray(c, ci + 2 * V);
        c03.intoArray(c, ci + 3 * V);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + V);
        c12.intoArray(c, c1 + 2 * V);
        c13.intoArray(c, c1 + 3 * V);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + V);
        c22.intoArray(c, c2 + 2 * V);
        c23.intoArray(c, c2 + 3 * V);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + V);
        c32.intoArray(c, c3 + 2 * V);
        c33.intoArray(c, c3 + 3 * V);
    }

    // Eight independent accumulators: enough to cover the FMA latency on two FMA pipes and still leave registers
    // for the two B vectors and the broadcast on AVX2's sixteen.
    private static void tile4x2(float[] a, int ai, int aSI, int aSP, float[] b, int bi, int ldb, float[] c, int ci,
                                int ldc, int kLen, boolean fresh) {
        int c1 = ci + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector c00 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci);
        FloatVector c01 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + V);
        FloatVector c10 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1);
        FloatVector c11 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1 + V);
        FloatVector c20 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2);
        FloatVector c21 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2 + V);
        FloatVector c30 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3);
        FloatVector c31 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3 + V);
        int a1 = aSI;
        int a2 = 2 * aSI;
        int a3 = 3 * aSI;
        for (int p = 0; p < kLen; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[ai + a1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[ai + a2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[ai + a3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            ai += aSP;
            bi += ldb;
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + V);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + V);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + V);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + V);
    }

    private static void tile1x2(float[] a, int ai, int aSP, float[] b, int bi, int ldb, float[] c, int ci, int kLen,
                                boolean fresh) {
        FloatVector c0 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci);
        FloatVector c1 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + V);
        for (int p = 0; p < kLen; p++) {
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c0 = FloatVector.fromArray(S, b, bi).fma(x, c0);
            c1 = FloatVector.fromArray(S, b, bi + V).fma(x, c1);
            ai += aSP;
            bi += ldb;
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + V);
    }

    // Four rows by one (possibly partial) vector: the B vector loaded once serves four rows.
    private static void tile4x1(float[] a, int ai, int aSI, int aSP, float[] b, int bi, int ldb, float[] c, int ci,
                                int ldc, int kLen, VectorMask<Float> m, boolean fresh) {
        int c1 = ci + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector c0 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci, m);
        FloatVector d1 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1, m);
        FloatVector d2 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2, m);
        FloatVector d3 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3, m);
        int a1 = aSI;
        int a2 = 2 * aSI;
        int a3 = 3 * aSI;
        boolean full = m.allTrue();
        for (int p = 0; p < kLen; p++) {
            FloatVector b0 = full ? FloatVector.fromArray(S, b, bi) : FloatVector.fromArray(S, b, bi, m);
            c0 = b0.fma(FloatVector.broadcast(S, a[ai]), c0);
            d1 = b0.fma(FloatVector.broadcast(S, a[ai + a1]), d1);
            d2 = b0.fma(FloatVector.broadcast(S, a[ai + a2]), d2);
            d3 = b0.fma(FloatVector.broadcast(S, a[ai + a3]), d3);
            ai += aSP;
            bi += ldb;
        }
        c0.intoArray(c, ci, m);
        d1.intoArray(c, c1, m);
        d2.intoArray(c, c2, m);
        d3.intoArray(c, c3, m);
    }

    // One whole vector of columns over eight rows: a column remainder of one vector (80 = 64 + 16 on AVX-512) had
    // four FMA chains in flight in tile4x1, too few to cover the FMA latency, and ran at a third of the wide tile.
    private static void tile8x1(float[] a, int ai, int aSI, int aSP, float[] b, int bi, int ldb, float[] c, int ci,
                                int ldc, int kLen, boolean fresh) {
        int c1 = ci + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        int c6 = c5 + ldc;
        int c7 = c6 + ldc;
        FloatVector d0 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci);
        FloatVector d1 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1);
        FloatVector d2 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2);
        FloatVector d3 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3);
        FloatVector d4 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c4);
        FloatVector d5 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c5);
        FloatVector d6 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c6);
        FloatVector d7 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c7);
        for (int p = 0; p < kLen; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            d0 = b0.fma(FloatVector.broadcast(S, a[ai]), d0);
            d1 = b0.fma(FloatVector.broadcast(S, a[ai + aSI]), d1);
            d2 = b0.fma(FloatVector.broadcast(S, a[ai + 2 * aSI]), d2);
            d3 = b0.fma(FloatVector.broadcast(S, a[ai + 3 * aSI]), d3);
            d4 = b0.fma(FloatVector.broadcast(S, a[ai + 4 * aSI]), d4);
            d5 = b0.fma(FloatVector.broadcast(S, a[ai + 5 * aSI]), d5);
            d6 = b0.fma(FloatVector.broadcast(S, a[ai + 6 * aSI]), d6);
            d7 = b0.fma(FloatVector.broadcast(S, a[ai + 7 * aSI]), d7);
            ai += aSP;
            bi += ldb;
        }
        d0.intoArray(c, ci);
        d1.intoArray(c, c1);
        d2.intoArray(c, c2);
        d3.intoArray(c, c3);
        d4.intoArray(c, c4);
        d5.intoArray(c, c5);
        d6.intoArray(c, c6);
        d7.intoArray(c, c7);
    }

    private static void tile1x1(float[] a, int ai, int aSP, float[] b, int bi, int ldb, float[] c, int ci, int kLen,
                                VectorMask<Float> m, boolean fresh) {
        FloatVector c0 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci, m);
        for (int p = 0; p < kLen; p++) {
            c0 = FloatVector.fromArray(S, b, bi, m).fma(FloatVector.broadcast(S, a[ai]), c0);
            ai += aSP;
            bi += ldb;
        }
        c0.intoArray(c, ci, m);
    }

    // The wide tile with its fourth vector partial (49 to 63 columns on AVX-512), read from the tail panel.
    private static void tile4x4t(float[] a, int ai, int aSI, int aSP, float[] b, int bi, int ldb, float[] tp, float[] c,
                                 int ci, int ldc, int kLen, int lanes, boolean fresh) {
        int c1 = ci + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int w = 2 * V;
        int t = 3 * V;
        FloatVector c00 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci);
        FloatVector c01 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + V);
        FloatVector c02 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + w);
        FloatVector c03 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, tailIn(c, ci + t, lanes, tp), 0);
        FloatVector c10 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1);
        FloatVector c11 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1 + V);
        FloatVector c12 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1 + w);
        FloatVector c13 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, tailIn(c, c1 + t, lanes, tp), 0);
        FloatVector c20 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2);
        FloatVector c21 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2 + V);
        FloatVector c22 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2 + w);
        FloatVector c23 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, tailIn(c, c2 + t, lanes, tp), 0);
        FloatVector c30 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3);
        FloatVector c31 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3 + V);
        FloatVector c32 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3 + w);
        FloatVector c33 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, tailIn(c, c3 + t, lanes, tp), 0);
        int a1 = aSI;
        int a2 = 2 * aSI;
        int a3 = 3 * aSI;
        int ti = PANEL;
        for (int p = 0; p < kLen; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + w);
            FloatVector b3 = FloatVector.fromArray(S, tp, ti);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(S, a[ai + a1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(S, a[ai + a2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(S, a[ai + a3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
            c33 = b3.fma(x, c33);
            ai += aSP;
            bi += ldb;
            ti += V;
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + V);
        c02.intoArray(c, ci + w);
        c03.intoArray(tp, 0);
        System.arraycopy(tp, 0, c, ci + t, lanes);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + V);
        c12.intoArray(c, c1 + w);
        c13.intoArray(tp, 0);
        System.arraycopy(tp, 0, c, c1 + t, lanes);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + V);
        c22.intoArray(c, c2 + w);
        c23.intoArray(tp, 0);
        System.arraycopy(tp, 0, c, c2 + t, lanes);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + V);
        c32.intoArray(c, c3 + w);
        c33.intoArray(tp, 0);
        System.arraycopy(tp, 0, c, c3 + t, lanes);
    }

    // Three vectors, the third partial (33 to 48 columns on AVX-512), its B from the tail panel: twelve accumulators.
    private static void tile4x3t(float[] a, int ai, int aSI, int aSP, float[] b, int bi, int ldb, float[] tp, float[] c,
                                 int ci, int ldc, int kLen, int lanes, boolean fresh) {
        // The partial vector of C moves under a mask, outside the loop: moving it through tp (a vector store, then
        // a copy of its lanes) made this tile run at half speed in C2's code (gone with -XX:-SplitIfBlocks, so a
        // compiler effect). The wider tail tiles keep the copy: with masks there C1 runs out of registers.
        VectorMask<Float> m = tailMask(lanes);
        int c1 = ci + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int w = 2 * V;
        FloatVector c00 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci);
        FloatVector c01 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + V);
        FloatVector c02 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci + w, m);
        FloatVector c10 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1);
        FloatVector c11 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1 + V);
        FloatVector c12 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1 + w, m);
        FloatVector c20 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2);
        FloatVector c21 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2 + V);
        FloatVector c22 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2 + w, m);
        FloatVector c30 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3);
        FloatVector c31 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3 + V);
        FloatVector c32 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3 + w, m);
        int a1 = aSI;
        int a2 = 2 * aSI;
        int a3 = 3 * aSI;
        int ti = PANEL;
        for (int p = 0; p < kLen; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector b2 = FloatVector.fromArray(S, tp, ti);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            x = FloatVector.broadcast(S, a[ai + a1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            x = FloatVector.broadcast(S, a[ai + a2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            x = FloatVector.broadcast(S, a[ai + a3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
            ai += aSP;
            bi += ldb;
            ti += V;
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + V);
        c02.intoArray(c, ci + w, m);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + V);
        c12.intoArray(c, c1 + w, m);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + V);
        c22.intoArray(c, c2 + w, m);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + V);
        c32.intoArray(c, c3 + w, m);
    }

    // The six-row tile with its second vector partial, from the tail panel.
    private static void tile6x2t(float[] a, int ai, int aSI, int aSP, float[] b, int bi, int ldb, float[] tp, float[] c,
                                 int ci, int ldc, int kLen, int lanes, boolean fresh) {
        int c1 = ci + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        FloatVector c00 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, ci);
        FloatVector c01 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, tailIn(c, ci + V, lanes, tp), 0);
        FloatVector c10 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c1);
        FloatVector c11 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, tailIn(c, c1 + V, lanes, tp), 0);
        FloatVector c20 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c2);
        FloatVector c21 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, tailIn(c, c2 + V, lanes, tp), 0);
        FloatVector c30 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c3);
        FloatVector c31 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, tailIn(c, c3 + V, lanes, tp), 0);
        FloatVector c40 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c4);
        FloatVector c41 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, tailIn(c, c4 + V, lanes, tp), 0);
        FloatVector c50 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, c, c5);
        FloatVector c51 = fresh ? FloatVector.zero(S) : FloatVector.fromArray(S, tailIn(c, c5 + V, lanes, tp), 0);
        int a1 = aSI;
        int a2 = 2 * aSI;
        int a3 = 3 * aSI;
        int a4 = 4 * aSI;
        int a5 = 5 * aSI;
        int ti = PANEL;
        for (int p = 0; p < kLen; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, tp, ti);
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[ai + a1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[ai + a2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[ai + a3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, a[ai + a4]);
            c40 = b0.fma(x, c40);
            c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, a[ai + a5]);
            c50 = b0.fma(x, c50);
            c51 = b1.fma(x, c51);
            ai += aSP;
            bi += ldb;
            ti += V;
        }
        c00.intoArray(c, ci);
        c01.intoArray(tp, 0);
        System.arraycopy(tp, 0, c, ci + V, lanes);
        c10.intoArray(c, c1);
        c11.intoArray(tp, 0);
        System.arraycopy(tp, 0, c, c1 + V, lanes);
        c20.intoArray(c, c2);
        c21.intoArray(tp, 0);
        System.arraycopy(tp, 0, c, c2 + V, lanes);
        c30.intoArray(c, c3);
        c31.intoArray(tp, 0);
        System.arraycopy(tp, 0, c, c3 + V, lanes);
        c40.intoArray(c, c4);
        c41.intoArray(tp, 0);
        System.arraycopy(tp, 0, c, c4 + V, lanes);
        c50.intoArray(c, c5);
        c51.intoArray(tp, 0);
        System.arraycopy(tp, 0, c, c5 + V, lanes);
    }
}
