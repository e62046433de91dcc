package dev.sim4j.engine.cpu.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector Adam update is bit-identical to the scalar loop it replaces. */
class AdamKernelTest {
    private static void scalar(float[] p, float[] g, float[] m, float[] v, int from, float a, float c1, float c2,
                               float eps) {
        for (int k = from; k < p.length; k++) {
            float gk = g[k];
            float mk = m[k];
            float vk = v[k];
            mk += (gk - mk) * c1;
            vk += (gk * gk - vk) * c2;
            m[k] = mk;
            v[k] = vk;
            p[k] -= mk * a / ((float) Math.sqrt(vk) + eps);
        }
    }

    @Test
    void sameBitsAsTheScalarLoop() {
        SplittableRandom rnd = new SplittableRandom(20261128);
        for (int n : new int[] {0, 1, 7, 8, 9, 33, 1000, 4099}) {
            float[] p = new float[n];
            float[] g = new float[n];
            float[] m = new float[n];
            float[] v = new float[n];
            for (int k = 0; k < n; k++) {
                // Wide magnitudes, exact zeros and subnormal-sized values to exercise rounding.
                p[k] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-3, 3)));
                g[k] = k % 5 == 0 ? 0f : (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-40, 2)));
                m[k] = (float) (rnd.nextGaussian() * 1e-3);
                v[k] = k % 7 == 0 ? 0f : (float) Math.abs(rnd.nextGaussian() * 1e-6);
            }
            float[] p2 = p.clone();
            float[] m2 = m.clone();
            float[] v2 = v.clone();
            float a = 0.00998f;
            float c1 = 0.1f;
            float c2 = 0.001f;
            float eps = 1e-7f;
            for (int step = 0; step < 3; step++) {
                int done = AdamKernel.update(p, 0, g, 0, m, 0, v, 0, n, a, c1, c2, eps);
                assertThat(done % vectorLength()).isZero();
                scalar(p, g, m, v, done, a, c1, c2, eps);
                scalar(p2, g, m2, v2, 0, a, c1, c2, eps);
            }
            assertThat(p).isEqualTo(p2);
            assertThat(m).isEqualTo(m2);
            assertThat(v).isEqualTo(v2);
        }
    }

    private static int vectorLength() {
        return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    }
}
