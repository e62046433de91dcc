package dev.sim4j.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's fused dot attention (forward and backward) gives the bits of its three kernels called in turn,
 * and those kernels give the bits of the plain scalar loops they replaced (in-order double sums, copied below), for
 * odd D and T (vector tails), whole masked rows and 1 and 2 threads.
 */
class CpuAttentionFusedTest {
    private static final int[] DS = {1, 3, 8, 32, 33};
    private static final int[] TS = {1, 5, 100, 101};
    private static final int[] BS = {1, 7, 64};

    @Test
    void fusedAttentionIsTheCompositionAndTheScalarLoops() {
        SplittableRandom rnd = new SplittableRandom(20261205);
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int d : DS) {
                    for (int t : TS) {
                        for (int b : BS) {
                            check(be, rnd, b, t, d);
                        }
                    }
                }
            }
        }
    }

    private static void check(CpuBackend be, SplittableRandom rnd, int b, int t, int d) {
        String at = "B=" + b + " T=" + t + " D=" + d + " on " + be.threads() + " threads";
        float[] keys = values(rnd, b * t * d);
        float[] query = values(rnd, b * d);
        float[] mask = mask(rnd, b, t);
        float[] dOut = values(rnd, b * d);
        float[] dKeys0 = values(rnd, b * t * d);
        float[] dQuery0 = values(rnd, b * d);
        Tensor k = be.upload(keys, b, t, d);
        Tensor q = be.upload(query, b, d);
        Tensor m = be.upload(mask, b, t);
        Tensor g = be.upload(dOut, b, d);

        // Forward: fused, composition, scalar loops.
        Tensor s1 = be.upload(new float[b * t], b, t);
        Tensor w1 = be.upload(new float[b * t], b, t);
        Tensor o1 = be.upload(new float[b * d], b, d);
        be.dotAttention(k, q, m, s1, w1, o1);
        Tensor s2 = be.upload(new float[b * t], b, t);
        Tensor w2 = be.upload(new float[b * t], b, t);
        Tensor o2 = be.upload(new float[b * d], b, d);
        be.batchedDot(k, q, s2);
        be.maskedSoftmax(s2, m, w2);
        be.weightedSum(w2, k, o2);
        float[] s3 = new float[b * t];
        float[] w3 = new float[b * t];
        float[] o3 = new float[b * d];
        Scalar.batchedDot(keys, query, s3, b, t, d);
        Scalar.maskedSoftmax(s3, mask, w3, b, t);
        Scalar.weightedSum(w3, keys, o3, b, t, d);
        assertThat(be.toFloats(s1)).as("scores " + at).isEqualTo(be.toFloats(s2)).isEqualTo(s3);
        assertThat(be.toFloats(w1)).as("weights " + at).isEqualTo(be.toFloats(w2)).isEqualTo(w3);
        assertThat(be.toFloats(o1)).as("out " + at).isEqualTo(be.toFloats(o2)).isEqualTo(o3);

        // Backward from the forward's weights, into gradients that already hold values (they are added to).
        Tensor dw1 = be.upload(new float[b * t], b, t);
        Tensor ds1 = be.upload(new float[b * t], b, t);
        Tensor dk1 = be.upload(dKeys0, b, t, d);
        Tensor dq1 = be.upload(dQuery0, b, d);
        be.dotAttentionBackward(k, q, m, w1, g, dw1, ds1, dk1, dq1);
        Tensor dw2 = be.upload(new float[b * t], b, t);
        Tensor ds2 = be.upload(new float[b * t], b, t);
        Tensor dk2 = be.upload(dKeys0, b, t, d);
        Tensor dq2 = be.upload(dQuery0, b, d);
        be.weightedSumBackward(w1, k, g, dw2, dk2);
        be.maskedSoftmaxBackward(w1, dw2, m, ds2);
        be.batchedDotBackward(k, q, ds2, dk2, dq2);
        float[] dw3 = new float[b * t];
        float[] ds3 = new float[b * t];
        float[] dk3 = dKeys0.clone();
        float[] dq3 = dQuery0.clone();
        Scalar.weightedSumBackward(w3, keys, dOut, dw3, dk3, b, t, d);
        Scalar.maskedSoftmaxBackward(w3, dw3, mask, ds3, b, t);
        Scalar.batchedDotBackward(keys, query, ds3, dk3, dq3, b, t, d);
        assertThat(be.toFloats(dw1)).as("dWeights " + at).isEqualTo(be.toFloats(dw2)).isEqualTo(dw3);
        assertThat(be.toFloats(ds1)).as("dScores " + at).isEqualTo(be.toFloats(ds2)).isEqualTo(ds3);
        assertThat(be.toFloats(dk1)).as("dKeys " + at).isEqualTo(be.toFloats(dk2)).isEqualTo(dk3);
        assertThat(be.toFloats(dq1)).as("dQuery " + at).isEqualTo(be.toFloats(dq2)).isEqualTo(dq3);

        // With a top-K selection's backward folded in: distinct positions per row, as a selection has.
        int kk = Math.max(1, t / 2);
        int[] positions = new int[b * kk];
        for (int i = 0; i < b; i++) {
            int[] order = new int[t];
            for (int s = 0; s < t; s++) {
                order[s] = s;
            }
            for (int s = t - 1; s > 0; s--) {
                int r = rnd.nextInt(s + 1);
                int x = order[s];
                order[s] = order[r];
                order[r] = x;
            }
            System.arraycopy(order, 0, positions, i * kk, kk);
        }
        Tensor idx = be.upload(positions, b, kk);
        Tensor sel = be.upload(values(rnd, b * kk * d), b, kk, d);
        Tensor dw4 = be.upload(new float[b * t], b, t);
        Tensor ds4 = be.upload(new float[b * t], b, t);
        Tensor dk4 = be.upload(dKeys0, b, t, d);
        Tensor dq4 = be.upload(dQuery0, b, d);
        be.dotAttentionBackwardWithScatter(k, q, m, w1, g, dw4, ds4, sel, idx, dk4, dq4);
        Tensor dw5 = be.upload(new float[b * t], b, t);
        Tensor ds5 = be.upload(new float[b * t], b, t);
        Tensor dk5 = be.upload(dKeys0, b, t, d);
        Tensor dq5 = be.upload(dQuery0, b, d);
        be.scatterAddTime(sel, idx, dk5);
        be.dotAttentionBackward(k, q, m, w1, g, dw5, ds5, dk5, dq5);
        assertThat(be.toFloats(dk4)).as("dKeys with the scatter " + at).isEqualTo(be.toFloats(dk5))
                .isNotEqualTo(be.toFloats(dk1));
        assertThat(be.toFloats(dq4)).as("dQuery with the scatter " + at).isEqualTo(be.toFloats(dq5));
        assertThat(be.toFloats(ds4)).as("dScores with the scatter " + at).isEqualTo(be.toFloats(ds5));
    }

    /** Rows fully masked, fully live or of random live positions, so both softmax branches run. */
    private static float[] mask(SplittableRandom rnd, int b, int t) {
        float[] m = new float[b * t];
        for (int i = 0; i < b; i++) {
            int kind = i % 4;
            for (int s = 0; s < t; s++) {
                m[i * t + s] = kind == 0 ? 0f : kind == 1 || rnd.nextInt(3) > 0 ? 1f : 0f;
            }
        }
        return m;
    }

    private static float[] values(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * 2);
        }
        return v;
    }

    /** The CPU kernels as they were written before they were vectorised: one sum at a time, in double, in order. */
    private static final class Scalar {
        static void batchedDot(float[] k, float[] q, float[] out, int b, int tt, int d) {
            for (int i = 0; i < b; i++) {
                for (int s = 0; s < tt; s++) {
                    out[i * tt + s] = (float) dot(k, (i * tt + s) * d, q, i * d, d);
                }
            }
        }

        static void batchedDotBackward(float[] k, float[] q, float[] g, float[] dk, float[] dq, int b, int tt, int d) {
            double[] acc = new double[d];
            for (int i = 0; i < b; i++) {
                Arrays.fill(acc, 0);
                for (int s = 0; s < tt; s++) {
                    float gv = g[i * tt + s];
                    for (int j = 0; j < d; j++) {
                        dk[(i * tt + s) * d + j] = Math.fma(gv, q[i * d + j], dk[(i * tt + s) * d + j]);
                        acc[j] += (double) gv * k[(i * tt + s) * d + j];
                    }
                }
                for (int j = 0; j < d; j++) {
                    dq[i * d + j] = (float) (dq[i * d + j] + acc[j]);
                }
            }
        }

        static void weightedSum(float[] w, float[] v, float[] out, int b, int tt, int d) {
            double[] acc = new double[d];
            for (int i = 0; i < b; i++) {
                Arrays.fill(acc, 0);
                for (int s = 0; s < tt; s++) {
                    double wv = w[i * tt + s];
                    for (int j = 0; j < d; j++) {
                        acc[j] += wv * v[(i * tt + s) * d + j];
                    }
                }
                for (int j = 0; j < d; j++) {
                    out[i * d + j] = (float) acc[j];
                }
            }
        }

        static void weightedSumBackward(float[] w, float[] v, float[] g, float[] dw, float[] dv, int b, int tt,
                                        int d) {
            for (int i = 0; i < b; i++) {
                for (int s = 0; s < tt; s++) {
                    float wv = w[i * tt + s];
                    dw[i * tt + s] = (float) dot(g, i * d, v, (i * tt + s) * d, d);
                    for (int j = 0; j < d; j++) {
                        dv[(i * tt + s) * d + j] = Math.fma(wv, g[i * d + j], dv[(i * tt + s) * d + j]);
                    }
                }
            }
        }

        static void maskedSoftmax(float[] s, float[] m, float[] o, int b, int tt) {
            double[] e = new double[tt];
            for (int i = 0; i < b; i++) {
                int r = i * tt;
                double max = Double.NEGATIVE_INFINITY;
                int live = 0;
                for (int k = 0; k < tt; k++) {
                    if (m[r + k] != 0) {
                        max = Math.max(max, s[r + k]);
                        live++;
                    }
                }
                if (live == 0) {
                    Arrays.fill(o, r, r + tt, (float) (1.0 / tt));
                    continue;
                }
                double z = 0;
                for (int k = 0; k < tt; k++) {
                    e[k] = m[r + k] != 0 ? Math.exp(s[r + k] - max) : 0;
                    z += e[k];
                }
                for (int k = 0; k < tt; k++) {
                    o[r + k] = (float) (e[k] / z);
                }
            }
        }

        static void maskedSoftmaxBackward(float[] p, float[] g, float[] m, float[] o, int b, int tt) {
            for (int i = 0; i < b; i++) {
                int r = i * tt;
                double dot = dot(p, r, g, r, tt);
                for (int k = 0; k < tt; k++) {
                    o[r + k] = m[r + k] != 0 ? (float) (p[r + k] * (g[r + k] - dot)) : 0f;
                }
            }
        }

        static double dot(float[] a, int ao, float[] b, int bo, int n) {
            double s = 0;
            for (int k = 0; k < n; k++) {
                s += (double) a[ao + k] * b[bo + k];
            }
            return s;
        }
    }
}
