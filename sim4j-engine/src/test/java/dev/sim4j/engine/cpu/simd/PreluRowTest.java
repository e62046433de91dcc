package dev.sim4j.engine.cpu.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The branch-free PReLU row (with and without its bias) is bit-identical to the scalar rule it replaces. */
class PreluRowTest {
    private static final float[] SPECIAL = {Float.NaN, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE};

    @Test
    void sameBitsAsTheScalarRule() {
        SplittableRandom rnd = new SplittableRandom(20261203);
        for (int n : new int[] {0, 1, 7, 15, 16, 17, 33, 80, 200, 1001}) {
            float[] x = new float[n + 3];
            float[] bias = new float[n + 2];
            float[] alpha = new float[n + 1];
            for (int k = 0; k < x.length; k++) {
                x[k] = k % 11 == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)] : (float) rnd.nextGaussian();
            }
            for (int k = 0; k < bias.length; k++) {
                bias[k] = k % 13 == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)] : (float) (rnd.nextGaussian() * 0.1);
            }
            for (int k = 0; k < alpha.length; k++) {
                alpha[k] = (float) (rnd.nextGaussian() * 0.3);
            }
            float[] y = new float[n + 4];
            PreluRow.prelu(x, 3, alpha, 1, y, 4, n);
            float[] xb = x.clone();
            float[] yb = new float[n + 4];
            PreluRow.biasPrelu(xb, 3, bias, 2, alpha, 1, yb, 4, n);
            for (int j = 0; j < n; j++) {
                float v = x[3 + j];
                float want = v > 0 ? v : alpha[1 + j] * v;
                assertThat(Float.floatToRawIntBits(y[4 + j])).as("prelu n %d at %d", n, j)
                        .isEqualTo(Float.floatToRawIntBits(want));
                float pre = x[3 + j] + bias[2 + j];
                float wantB = pre > 0 ? pre : alpha[1 + j] * pre;
                assertThat(Float.floatToRawIntBits(xb[3 + j])).as("pre-activation n %d at %d", n, j)
                        .isEqualTo(Float.floatToRawIntBits(pre));
                assertThat(Float.floatToRawIntBits(yb[4 + j])).as("biasPrelu n %d at %d", n, j)
                        .isEqualTo(Float.floatToRawIntBits(wantB));
            }
        }
    }
}
