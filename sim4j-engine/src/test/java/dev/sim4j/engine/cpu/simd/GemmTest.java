package dev.sim4j.engine.cpu.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The GEMM block kernel gives each element of C the bits of a scalar chain of {@link Math#fma} over p in ascending
 * order, after the beta scaling, whatever register tile or tail path the element falls in: sizes around every tile
 * and vector width (1 to 200 columns, partial vectors included), strided (transposed) and plain A, every beta, and
 * sub-rectangles of C cut as the GEMM driver cuts them.
 */
class GemmTest {
    private static float[] values(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-3, 4)));
        }
        return v;
    }

    @Test
    void everyElementIsTheScalarFmaChain() {
        SplittableRandom rnd = new SplittableRandom(20261203);
        int[] ms = {1, 3, 4, 5, 6, 7, 9, 13, 64, 100};
        int[] ns = {1, 5, 15, 16, 17, 20, 31, 32, 33, 40, 47, 48, 49, 50, 63, 64, 65, 80, 96, 100, 113, 192, 200};
        int[] ks = {0, 1, 7, 96, 129, 300};
        for (int m : ms) {
            for (int n : ns) {
                for (int k : ks) {
                    boolean ta = rnd.nextBoolean();
                    float beta = new float[] {0f, 1f, 0.5f}[rnd.nextInt(3)];
                    float[] a = values(rnd, m * k + 3);
                    float[] b = values(rnd, k * n + 2);
                    float[] c0 = values(rnd, m * n + 1);
                    int aSI = ta ? 1 : k;
                    int aSP = ta ? m : 1;
                    float[] c = c0.clone();
                    // Two column panels and two row bands, as the driver's C tiles.
                    int iCut = m / 2;
                    int jCut = n / 3;
                    for (int[] r : new int[][] {{0, iCut}, {iCut, m}}) {
                        for (int[] q : new int[][] {{0, jCut}, {jCut, n}}) {
                            Gemm.block(a, 3, aSI, aSP, b, 2, n, c, 1, n, r[0], r[1], q[0], q[1], 0, k, beta);
                        }
                    }
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            float want = beta == 0f ? 0f : beta == 1f ? c0[1 + i * n + j] : beta * c0[1 + i * n + j];
                            for (int p = 0; p < k; p++) {
                                want = Math.fma(a[3 + i * aSI + p * aSP], b[2 + p * n + j], want);
                            }
                            assertThat(Float.floatToRawIntBits(c[1 + i * n + j]))
                                    .as("%dx%dx%d ta=%s beta=%s at (%d, %d)", m, k, n, ta, beta, i, j)
                                    .isEqualTo(Float.floatToRawIntBits(want));
                        }
                    }
                }
            }
        }
    }
}
