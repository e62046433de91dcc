package dev.sim4j.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CPU GEMM driver's products into one column (an MLP's last layer and its gradients), which take their own paths,
 * give every element the bits of the scalar FMA chain over p, or, for a long reduction into a few elements, of the
 * K-part chains added in part order; on 1 and 2 threads alike.
 */
class CpuGemmTest {
    @Test
    void oneColumnProductsAreTheScalarChains() {
        SplittableRandom rnd = new SplittableRandom(20261204);
        int[][] shapes = {{1, 5}, {3, 50}, {7, 96}, {50, 36864}, {80, 20480}, {200, 2048}, {2048, 80}, {36864, 50},
            {5, 1}, {600, 9000}};
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int[] mk : shapes) {
                    int m = mk[0];
                    int k = mk[1];
                    for (boolean ta : new boolean[] {false, true}) {
                        for (boolean tb : new boolean[] {false, true}) {
                            for (double beta : new double[] {0, 1, 0.5}) {
                                check(be, rnd, m, k, ta, tb, (float) beta);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void check(CpuBackend be, SplittableRandom rnd, int m, int k, boolean ta, boolean tb, float beta) {
        float[] a = values(rnd, m * k);
        float[] b = values(rnd, k);
        float[] c0 = values(rnd, m);
        Tensor at = be.upload(a, ta ? new int[] {k, m} : new int[] {m, k});
        Tensor bt = be.upload(b, tb ? new int[] {1, k} : new int[] {k, 1});
        Tensor ct = be.upload(c0, m, 1);
        be.matmul(at, ta, bt, tb, ct, beta);
        float[] got = be.toFloats(ct);
        // The driver's rule: fewer than 8 tiles of 64 x 128 and K >= 8192 split K into min(8, K / 4096) parts.
        int parts = (m + 63) / 64 < 8 && k >= 8192 ? Math.min(8, k / 4096) : 1;
        for (int i = 0; i < m; i++) {
            float sum = 0f;
            for (int part = 0; part < parts; part++) {
                int p0 = (int) ((long) part * k / parts);
                int p1 = (int) ((long) (part + 1) * k / parts);
                float chain = parts == 1 ? (beta == 0f ? 0f : beta == 1f ? c0[i] : beta * c0[i]) : 0f;
                for (int p = p0; p < p1; p++) {
                    chain = Math.fma(ta ? a[p * m + i] : a[i * k + p], b[p], chain);
                }
                sum = part == 0 ? chain : sum + chain;
            }
            float want = parts == 1 ? sum : beta == 0f ? sum : beta * c0[i] + sum;
            assertThat(Float.floatToRawIntBits(got[i]))
                    .as("%dx%dx1 ta=%s tb=%s beta=%s at %d on %d threads", m, k, ta, tb, beta, i, be.threads())
                    .isEqualTo(Float.floatToRawIntBits(want));
        }
    }

    /**
     * Long reductions into a few tiles (weight gradients) split K into parts, each (part, tile) a chunk of its own:
     * every element is its part chains over ascending p, added in part order. {96, 20480, 40} with A^T runs as
     * C^T = B^T A (its 40 columns fill their vectors worse than its 96 rows), with the same chains.
     */
    @Test
    void kSplitProductsAreThePartChains() {
        SplittableRandom rnd = new SplittableRandom(20261206);
        int[][] shapes = {{37, 9000, 70}, {96, 20480, 40}, {5, 8192, 130}};
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int[] s : shapes) {
                    for (boolean ta : new boolean[] {false, true}) {
                        for (double beta : new double[] {0, 1, 0.5}) {
                            checkSplit(be, rnd, s[0], s[1], s[2], ta, (float) beta);
                        }
                    }
                }
            }
        }
    }

    /**
     * A^T B with few columns and more rows, which runs as C^T = B^T A: every element is still the one FMA chain over
     * ascending p from beta C (no K split at these lengths), at every thread count.
     */
    @Test
    void narrowWeightGradientsAreTheScalarChainsInEitherOrientation() {
        SplittableRandom rnd = new SplittableRandom(20261204);
        int[][] shapes = {{100, 4100, 50}, {80, 300, 40}, {37, 129, 20}, {50, 64, 100}};
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int[] s : shapes) {
                    for (double beta : new double[] {0, 1, 0.5}) {
                        int m = s[0];
                        int k = s[1];
                        int n = s[2];
                        float[] a = values(rnd, k * m);
                        float[] b = values(rnd, k * n);
                        float[] c0 = values(rnd, m * n);
                        Tensor ct = be.upload(c0, m, n);
                        be.matmul(be.upload(a, k, m), true, be.upload(b, k, n), false, ct, beta);
                        float[] got = be.toFloats(ct);
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                float chain = beta == 0 ? 0f : (float) beta * c0[i * n + j];
                                for (int p = 0; p < k; p++) {
                                    chain = Math.fma(a[p * m + i], b[p * n + j], chain);
                                }
                                if (Float.floatToRawIntBits(got[i * n + j]) != Float.floatToRawIntBits(chain)) {
                                    assertThat(got[i * n + j]).as("%dx%dx%d beta=%s at (%d, %d) on %d threads", m, k,
                                            n, beta, i, j, threads).isEqualTo(chain);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void checkSplit(CpuBackend be, SplittableRandom rnd, int m, int k, int n, boolean ta, float beta) {
        float[] a = values(rnd, m * k);
        float[] b = values(rnd, k * n);
        float[] c0 = values(rnd, m * n);
        Tensor at = be.upload(a, ta ? new int[] {k, m} : new int[] {m, k});
        Tensor bt = be.upload(b, k, n);
        Tensor ct = be.upload(c0, m, n);
        be.matmul(at, ta, bt, false, ct, beta);
        float[] got = be.toFloats(ct);
        int parts = Math.min(8, k / 4096);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int part = 0; part < parts; part++) {
                    int p0 = (int) ((long) part * k / parts);
                    int p1 = (int) ((long) (part + 1) * k / parts);
                    float chain = 0f;
                    for (int p = p0; p < p1; p++) {
                        chain = Math.fma(ta ? a[p * m + i] : a[i * k + p], b[p * n + j], chain);
                    }
                    sum = part == 0 ? chain : sum + chain;
                }
                float want = beta == 0f ? sum : beta * c0[i * n + j] + sum;
                if (Float.floatToRawIntBits(got[i * n + j]) != Float.floatToRawIntBits(want)) {
                    assertThat(got[i * n + j]).as("%dx%dx%d ta=%s beta=%s at (%d, %d) on %d threads", m, k, n, ta,
                            beta, i, j, be.threads()).isEqualTo(want);
                }
            }
        }
    }

    private static float[] values(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
