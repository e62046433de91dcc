package dev.sim4j.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CPU products with their bias or addend (and sigmoid or PReLU) taken on each C tile as it is written give the bits of the
 * product followed by the separate ops, for shapes through every path of the GEMM driver (one column, tails of every
 * width, several tiles, a long reduction in K parts, K of zero), on 1 and 2 threads.
 */
class CpuFusedProductTest {
    private static final int[][] SHAPES = {
        {1, 1, 1}, {5, 7, 3}, {37, 33, 50}, {64, 96, 288}, {130, 100, 50}, {200, 40, 80}, {67, 20, 129},
        {2048, 96, 192}, {1000, 300, 1}, {3, 9000, 20}, {96, 20480, 40}, {10, 0, 16}, {36864 / 8, 1, 50}};

    @Test
    void fusedProductsEqualProductThenOps() {
        SplittableRandom rnd = new SplittableRandom(20261205);
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int[] s : SHAPES) {
                    for (boolean ta : new boolean[] {false, true}) {
                        for (boolean tb : new boolean[] {false, true}) {
                            check(be, rnd, s[0], s[1], s[2], ta, tb);
                        }
                    }
                }
            }
        }
    }

    private static void check(CpuBackend be, SplittableRandom rnd, int m, int k, int n, boolean ta, boolean tb) {
        Tensor a = be.upload(values(rnd, m * k), ta ? new int[] {k, m} : new int[] {m, k});
        Tensor b = be.upload(values(rnd, k * n), tb ? new int[] {n, k} : new int[] {k, n});
        Tensor bias = be.upload(values(rnd, n), n);
        float[] alphaValues = values(rnd, n);
        Tensor alpha = be.upload(alphaValues, n);
        String shape = String.format("%dx%dx%d ta=%s tb=%s on %d threads", m, k, n, ta, tb, be.threads());

        Tensor want = be.upload(new float[m * n], m, n);
        be.matmul(a, ta, b, tb, want, 0);
        be.addRowVector(want, bias);
        Tensor got = be.upload(values(rnd, m * n), m, n);
        be.matmulBias(a, ta, b, tb, bias, got);
        assertSameBits(be, got, want, "matmulBias " + shape);

        Tensor wantY = be.upload(new float[m * n], m, n);
        be.prelu(want, alpha, wantY);
        Tensor z = be.upload(values(rnd, m * n), m, n);
        Tensor y = be.upload(values(rnd, m * n), m, n);
        be.matmulBiasPrelu(a, ta, b, tb, bias, alpha, z, y);
        assertSameBits(be, z, want, "matmulBiasPrelu z " + shape);
        assertSameBits(be, y, wantY, "matmulBiasPrelu y " + shape);

        be.sigmoid(want, want);
        Tensor sig = be.upload(values(rnd, m * n), m, n);
        be.matmulBiasSigmoid(a, ta, b, tb, bias, sig);
        assertSameBits(be, sig, want, "matmulBiasSigmoid " + shape);

        Tensor addend = be.upload(values(rnd, m * n), m, n);
        Tensor wantAdded = be.upload(new float[m * n], m, n);
        be.matmul(a, ta, b, tb, wantAdded, 0);
        be.axpy(1, addend, wantAdded);
        be.sigmoid(wantAdded, wantAdded);
        Tensor added = be.upload(values(rnd, m * n), m, n);
        be.matmulAddSigmoid(a, ta, b, tb, addend, added);
        assertSameBits(be, added, wantAdded, "matmulAddSigmoid " + shape);
    }

    /** The sigmoid backward with the bias gradient's sums in its pass equals the two separate kernels. */
    @Test
    void sigmoidBackwardWithItsColumnSumsEqualsTheSeparateKernels() {
        SplittableRandom rnd = new SplittableRandom(20261207);
        int[][] shapes = {{1, 1}, {7, 3}, {64, 50}, {65, 50}, {300, 17}, {36864, 50}, {2048, 100}};
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int[] s : shapes) {
                    int m = s[0];
                    int n = s[1];
                    float[] yv = values(rnd, m * n);
                    for (int i = 0; i < yv.length; i++) {
                        yv[i] = 1f / (1f + (float) Math.exp(-yv[i]));
                    }
                    Tensor y = be.upload(yv, m, n);
                    Tensor dy = be.upload(values(rnd, m * n), m, n);
                    float[] bias0 = values(rnd, n);
                    Tensor wantDx = be.upload(new float[m * n], m, n);
                    Tensor wantBias = be.upload(bias0.clone(), n);
                    be.sigmoidBackward(y, dy, wantDx);
                    be.sumRows(wantDx, wantBias, 1);
                    Tensor dx = be.upload(values(rnd, m * n), m, n);
                    Tensor bias = be.upload(bias0.clone(), n);
                    be.sigmoidBackwardSumRows(y, dy, dx, bias);
                    String what = String.format("%dx%d on %d threads", m, n, be.threads());
                    assertSameBits(be, dx, wantDx, "dx " + what);
                    assertSameBits(be, bias, wantBias, "bias gradient " + what);
                }
            }
        }
    }

    private static void assertSameBits(CpuBackend be, Tensor got, Tensor want, String what) {
        float[] g = be.toFloats(got);
        float[] w = be.toFloats(want);
        assertThat(g).as(what).hasSameSizeAs(w);
        for (int i = 0; i < g.length; i++) {
            if (Float.floatToRawIntBits(g[i]) != Float.floatToRawIntBits(w[i])) {
                assertThat(g[i]).as("%s at %d", what, i).isEqualTo(w[i]);
                assertThat(Float.floatToRawIntBits(g[i])).as("%s bits at %d", what, i)
                        .isEqualTo(Float.floatToRawIntBits(w[i]));
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
