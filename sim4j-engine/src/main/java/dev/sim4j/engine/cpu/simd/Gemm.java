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
        if (beta != 1f) {
            for (int i = i0; i < i1; i++) {
                int row = cOff + i * ldc;
                for (int j = j0; j < j1; j++) {
                    c[row + j] = beta == 0f ? 0f : beta * c[row + j];
                }
            }
        }
        for (int kb = p0; kb < p1; kb += KC) {
            int kLen = Math.min(KC, p1 - kb);
            int j = j0;
            if (WIDE) {
                for (; j + NW <= j1; j += NW) {
                    int i = i0;
                    for (; i + MR <= i1; i += MR) {
                        tile4x4(a, aOff + i * aSI + kb * aSP, aSI, aSP, b, bOff + kb * ldb + j, ldb, c,
                                cOff + i * ldc + j, ldc, kLen);
                    }
                    for (; i < i1; i++) {
                        tile1x2(a, aOff + i * aSI + kb * aSP, aSP, b, bOff + kb * ldb + j, ldb, c, cOff + i * ldc + j,
                                kLen);
                        tile1x2(a, aOff + i * aSI + kb * aSP, aSP, b, bOff + kb * ldb + j + NR, ldb, c,
                                cOff + i * ldc + j + NR, kLen);
                    }
                }
            }
            for (; j + NR <= j1; j += NR) {
                int i = i0;
                for (; i + 6 <= i1; i += 6) {
                    tile6x2(a, aOff + i * aSI + kb * aSP, aSI, aSP, b, bOff + kb * ldb + j, ldb, c, cOff + i * ldc + j,
                            ldc, kLen);
                }
                for (; i + MR <= i1; i += MR) {
                    tile4x2(a, aOff + i * aSI + kb * aSP, aSI, aSP, b, bOff + kb * ldb + j, ldb, c, cOff + i * ldc + j,
                            ldc, kLen);
                }
                for (; i < i1; i++) {
                    tile1x2(a, aOff + i * aSI + kb * aSP, aSP, b, bOff + kb * ldb + j, ldb, c, cOff + i * ldc + j, kLen);
                }
            }
            // The last columns, one vector at a time; a final partial vector runs under a mask, so every column
            // goes through vector FMA lanes (bitwise the same as a scalar Math.fma chain over p). The mask is made
            // from its lane bits (all of them for a whole vector; lanes past the vector's are ignored):
            // indexInRange ran as a slow library fallback here (3-4 % of a scoring pass's samples), and both give
            // the same lanes.
            for (; j < j1; j += V) {
                VectorMask<Float> m = VectorMask.fromLong(S, j1 - j >= V ? -1L : (1L << (j1 - j)) - 1);
                int i = i0;
                for (; i + MR <= i1; i += MR) {
                    tile4x1(a, aOff + i * aSI + kb * aSP, aSI, aSP, b, bOff + kb * ldb + j, ldb, c, cOff + i * ldc + j,
                            ldc, kLen, m);
                }
                for (; i < i1; i++) {
                    tile1x1(a, aOff + i * aSI + kb * aSP, aSP, b, bOff + kb * ldb + j, ldb, c, cOff + i * ldc + j, kLen,
                            m);
                }
            }
        }
    }

    // Twelve accumulators, two B vectors and one broadcast: fifteen of AVX2's sixteen registers, and 12 FMAs per two
    // B loads and six broadcasts (the 4-row tile does 8 per 2 and 4), so the load ports bind less.
    private static void tile6x2(float[] a, int ai, int aSI, int aSP, float[] b, int bi, int ldb, float[] c, int ci,
                                int ldc, int kLen) {
        int c1 = ci + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci);
        FloatVector c01 = FloatVector.fromArray(S, c, ci + V);
        FloatVector c10 = FloatVector.fromArray(S, c, c1);
        FloatVector c11 = FloatVector.fromArray(S, c, c1 + V);
        FloatVector c20 = FloatVector.fromArray(S, c, c2);
        FloatVector c21 = FloatVector.fromArray(S, c, c2 + V);
        FloatVector c30 = FloatVector.fromArray(S, c, c3);
        FloatVector c31 = FloatVector.fromArray(S, c, c3 + V);
        FloatVector c40 = FloatVector.fromArray(S, c, c4);
        FloatVector c41 = FloatVector.fromArray(S, c, c4 + V);
        FloatVector c50 = FloatVector.fromArray(S, c, c5);
        FloatVector c51 = FloatVector.fromArray(S, c, c5 + V);
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
                                int ldc, int kLen) {
        int c1 = ci + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci);
        FloatVector c01 = FloatVector.fromArray(S, c, ci + V);
        FloatVector c02 = FloatVector.fromArray(S, c, ci + 2 * V);
        FloatVector c03 = FloatVector.fromArray(S, c, ci + 3 * V);
        FloatVector c10 = FloatVector.fromArray(S, c, c1);
        FloatVector c11 = FloatVector.fromArray(S, c, c1 + V);
        FloatVector c12 = FloatVector.fromArray(S, c, c1 + 2 * V);
        FloatVector c13 = FloatVector.fromArray(S, c, c1 + 3 * V);
        FloatVector c20 = FloatVector.fromArray(S, c, c2);
        FloatVector c21 = FloatVector.fromArray(S, c, c2 + V);
        FloatVector c22 = FloatVector.fromArray(S, c, c2 + 2 * V);
        FloatVector c23 = FloatVector.fromArray(S, c, c2 + 3 * V);
        FloatVector c30 = FloatVector.fromArray(S, c, c3);
        FloatVector c31 = FloatVector.fromArray(S, c, c3 + V);
        FloatVector c32 = FloatVector.fromArray(S, c, c3 + 2 * V);
        FloatVector c33 = FloatVector.fromArray(S, c, c3 + 3 * V);
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
                                int ldc, int kLen) {
        int c1 = ci + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, ci);
        FloatVector c01 = FloatVector.fromArray(S, c, ci + V);
        FloatVector c10 = FloatVector.fromArray(S, c, c1);
        FloatVector c11 = FloatVector.fromArray(S, c, c1 + V);
        FloatVector c20 = FloatVector.fromArray(S, c, c2);
        FloatVector c21 = FloatVector.fromArray(S, c, c2 + V);
        FloatVector c30 = FloatVector.fromArray(S, c, c3);
        FloatVector c31 = FloatVector.fromArray(S, c, c3 + V);
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

    private static void tile1x2(float[] a, int ai, int aSP, float[] b, int bi, int ldb, float[] c, int ci, int kLen) {
        FloatVector c0 = FloatVector.fromArray(S, c, ci);
        FloatVector c1 = FloatVector.fromArray(S, c, ci + V);
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
                                int ldc, int kLen, VectorMask<Float> m) {
        int c1 = ci + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector c0 = FloatVector.fromArray(S, c, ci, m);
        FloatVector d1 = FloatVector.fromArray(S, c, c1, m);
        FloatVector d2 = FloatVector.fromArray(S, c, c2, m);
        FloatVector d3 = FloatVector.fromArray(S, c, c3, m);
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

    private static void tile1x1(float[] a, int ai, int aSP, float[] b, int bi, int ldb, float[] c, int ci, int kLen,
                                VectorMask<Float> m) {
        FloatVector c0 = FloatVector.fromArray(S, c, ci, m);
        for (int p = 0; p < kLen; p++) {
            c0 = FloatVector.fromArray(S, b, bi, m).fma(FloatVector.broadcast(S, a[ai]), c0);
            ai += aSP;
            bi += ldb;
        }
        c0.intoArray(c, ci, m);
    }
}
