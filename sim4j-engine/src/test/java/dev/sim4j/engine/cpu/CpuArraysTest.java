package dev.sim4j.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The four dot products side by side give each lone dot product's bits, and so does the batched dot built on them. */
class CpuArraysTest {
    /** Values of wide magnitudes and both signs, so that a sum in another order or precision rounds differently. */
    private static float[] values(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-6, 7)));
        }
        return v;
    }

    @Test
    void fourDotsAreFourLoneDots() {
        SplittableRandom rnd = new SplittableRandom(20261203);
        for (int n : new int[] {0, 1, 2, 3, 5, 16, 17, 32, 33, 97}) {
            for (int stride : new int[] {n, n + 3}) {
                float[] a = values(rnd, 7 + 4 * stride + n);
                float[] b = values(rnd, 5 + n);
                float[] out = new float[6];
                CpuArrays.dot4(a, 7, stride, b, 5, n, out, 1);
                for (int r = 0; r < 4; r++) {
                    float lone = (float) CpuArrays.dot(a, 7 + r * stride, b, 5, n);
                    assertThat(Float.floatToRawIntBits(out[1 + r])).as("n %d stride %d row %d", n, stride, r)
                            .isEqualTo(Float.floatToRawIntBits(lone));
                }
            }
        }
    }

    @Test
    void batchedDotIsTheLoneDotOfEveryKeyOnOneAndTwoThreads() {
        SplittableRandom rnd = new SplittableRandom(20261204);
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {7, 17, 33}, {100, 90, 32}, {33, 50, 32}};
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int[] s : shapes) {
                    int b = s[0];
                    int t = s[1];
                    int d = s[2];
                    float[] keys = values(rnd, b * t * d);
                    float[] query = values(rnd, b * d);
                    Tensor out = be.zeros(be.floatType(), b, t);
                    be.batchedDot(be.upload(keys, b, t, d), be.upload(query, b, d), out);
                    float[] got = be.toFloats(out);
                    for (int i = 0; i < b; i++) {
                        for (int p = 0; p < t; p++) {
                            float lone = (float) CpuArrays.dot(keys, (i * t + p) * d, query, i * d, d);
                            assertThat(Float.floatToRawIntBits(got[i * t + p]))
                                    .as("%s threads %d row %d step %d", java.util.Arrays.toString(s), threads, i, p)
                                    .isEqualTo(Float.floatToRawIntBits(lone));
                        }
                    }
                }
            }
        }
    }
}
