package dev.sim4j.engine.cpu.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector sigmoid backward (with and without column sums) gives the scalar loops' bits. */
class SigmoidBackwardTest {
    @Test
    void rowsAreTheScalarLoops() {
        SplittableRandom rnd = new SplittableRandom(20261205);
        for (int n : new int[] {1, 3, 7, 8, 9, 16, 17, 40, 50, 100, 288}) {
            int rows = 70;
            int off = 5;
            int at = 3;
            float[] y = new float[off + rows * n];
            float[] dy = new float[off + rows * n];
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) rnd.nextDouble();
                dy[i] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian() * 4));
            }
            double[] acc = new double[at + n];
            double[] want = new double[at + n];
            for (int j = 0; j < acc.length; j++) {
                acc[j] = rnd.nextGaussian();
                want[j] = acc[j];
            }
            float[] dx = new float[off + rows * n];
            float[] wantDx = new float[off + rows * n];
            SigmoidBackward.rows(y, off, dy, off, dx, off, n, 1, rows, acc, at);
            for (int r = 1; r < rows; r++) {
                for (int j = 0; j < n; j++) {
                    int e = off + r * n + j;
                    double sv = y[e];
                    float d = (float) (dy[e] * sv * (1 - sv));
                    wantDx[e] = d;
                    want[at + j] += d;
                }
            }
            assertThat(dx).as("dx n=%d", n).isEqualTo(wantDx);
            assertThat(acc).as("column sums n=%d", n).isEqualTo(want);

            float[] dx2 = new float[off + rows * n];
            SigmoidBackward.rows(y, off, dy, off, dx2, off, rows * n - n, 0, 1, null, 0);
            for (int e = off + rows * n - n; e < dx2.length; e++) {
                wantDx[e] = 0f;
            }
            for (int e = off; e < off + n; e++) {
                double sv = y[e];
                wantDx[e] = (float) (dy[e] * sv * (1 - sv));
            }
            assertThat(dx2).as("flat dx n=%d", n).isEqualTo(wantDx);
        }
    }
}
