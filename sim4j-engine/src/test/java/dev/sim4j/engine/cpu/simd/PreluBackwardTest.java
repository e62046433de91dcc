package dev.sim4j.engine.cpu.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The one-pass vector PReLU backward gives the scalar loops' bits, -0 and infinities included (NaN sums as NaN: their
 * sign bit is the hardware's pick).
 */
class PreluBackwardTest {
    @Test
    void rowsAreTheScalarLoops() {
        SplittableRandom rnd = new SplittableRandom(20261205);
        float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
        for (int n : new int[] {1, 3, 7, 8, 9, 16, 17, 80, 96, 200}) {
            int rows = 40;
            int off = 3;
            float[] x = new float[off + rows * n];
            float[] dy = new float[off + rows * n];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextInt(10) == 0 ? specials[rnd.nextInt(specials.length)] : (float) rnd.nextGaussian();
                dy[i] = rnd.nextInt(20) == 0 ? specials[rnd.nextInt(specials.length)] : (float) rnd.nextGaussian();
            }
            float[] alpha = new float[2 + n];
            for (int j = 0; j < alpha.length; j++) {
                alpha[j] = (float) rnd.nextGaussian();
            }
            double[] acc = new double[1 + n];
            double[] want = acc.clone();
            float[] dx = new float[off + rows * n];
            float[] wantDx = new float[off + rows * n];
            PreluBackward.rows(x, off, dy, off, alpha, 2, dx, off, n, 1, rows, acc, 1);
            for (int r = 1; r < rows; r++) {
                for (int j = 0; j < n; j++) {
                    int e = off + r * n + j;
                    wantDx[e] = x[e] > 0 ? dy[e] : dy[e] * alpha[2 + j];
                    want[1 + j] += (double) dy[e] * Math.min(x[e], 0f);
                }
            }
            for (int e = 0; e < dx.length; e++) {
                assertThat(Float.floatToRawIntBits(dx[e])).as("dx n=%d at %d", n, e)
                        .isEqualTo(Float.floatToRawIntBits(wantDx[e]));
            }
            // A NaN sum is a NaN either way; its sign bit (which the hardware's NaN propagation picks) is no result.
            for (int j = 0; j < acc.length; j++) {
                assertThat(Double.doubleToLongBits(acc[j])).as("alpha sums n=%d at %d", n, j)
                        .isEqualTo(Double.doubleToLongBits(want[j]));
            }
        }
    }
}
