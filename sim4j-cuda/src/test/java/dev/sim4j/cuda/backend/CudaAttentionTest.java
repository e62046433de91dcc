package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.Backend;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every kernel of {@link CudaAttention} against the F64 reference on awkward sizes (1, 7, 17, 33, 127, 1021, rows
 * longer than a block) and the model's shapes, every argument a view with guards, overwritten outputs NaN-poisoned and
 * accumulated ones pre-filled; top-k exact (ties, NaN, signed zeros, every kernel variant); reductions run twice and
 * required bit-identical. Skips without a GPU; {@code -Dsim4j.seed=N} repeats a seed.
 */
class CudaAttentionTest {
    /** The twins each test runs on: views 8 bytes into their buffers here; {@code *AlignedTest} puts them 16 in. */
    CudaTwins twins(long seed) {
        return new CudaTwins(seed);
    }

    static final double ELEM = 1e-6;
    static final double RED = 1e-5;
    static final long SEED = Long.getLong("sim4j.seed", 20261201L);

    /** [B, T, D]: awkward sizes, rows longer than a block, and the model's (DIN T 90, SIM L 990, DIEN T 10 H 96). */
    static final int[][] CUBES = {{1, 1, 1}, {7, 17, 33}, {33, 7, 17}, {17, 127, 1}, {127, 33, 7}, {5, 1021, 3},
        {3, 4099, 2}, {1024, 90, 36}, {64, 990, 32}, {2048, 10, 96}};

    /** Runs op twice on the GPU from the current state of out and requires bit-identical results. */
    static void deterministic(CudaTwins h, CudaTwins.T out, Consumer<Backend> op, String what) {
        h.checkDeterministic(out, op, what);
    }

    @Test
    void dotsAndWeightedSums() {
        try (CudaTwins h = twins(SEED)) {
            for (int[] s : CUBES) {
                int b = s[0];
                int t = s[1];
                int d = s[2];
                String at = " " + b + "x" + t + "x" + d;
                CudaTwins.T keys = h.rand(b, t, d);
                CudaTwins.T query = h.rand(b, d);
                CudaTwins.T scores = h.output(b, t);
                Consumer<Backend> dot = be -> be.batchedDot(keys.on(be), query.on(be), scores.on(be));
                h.run(dot);
                h.check(scores, RED, 1e-6, "batchedDot" + at);
                deterministic(h, scores, dot, "batchedDot" + at);

                CudaTwins.T dOut = h.rand(b, t);
                CudaTwins.T dKeys = h.rand(b, t, d);
                CudaTwins.T dQuery = h.rand(b, d);
                Consumer<Backend> dotBack = be -> be.batchedDotBackward(keys.on(be), query.on(be), dOut.on(be),
                        dKeys.on(be), dQuery.on(be));
                h.run(dotBack);
                h.check(dKeys, ELEM, 1e-7, "batchedDotBackward dKeys" + at);
                h.check(dQuery, RED, 1e-6, "batchedDotBackward dQuery" + at);
                deterministic(h, dQuery, dotBack, "batchedDotBackward dQuery" + at);

                CudaTwins.T ws = h.output(b, d);
                Consumer<Backend> wsum = be -> be.weightedSum(dOut.on(be), keys.on(be), ws.on(be));
                h.run(wsum);
                h.check(ws, RED, 1e-6, "weightedSum" + at);
                deterministic(h, ws, wsum, "weightedSum" + at);

                CudaTwins.T dW = h.output(b, t);
                CudaTwins.T dV = h.rand(b, t, d);
                Consumer<Backend> wsBack = be -> be.weightedSumBackward(dOut.on(be), keys.on(be), ws.on(be),
                        dW.on(be), dV.on(be));
                h.run(wsBack);
                h.check(dW, RED, 1e-6, "weightedSumBackward dWeights" + at);
                h.check(dV, ELEM, 1e-7, "weightedSumBackward dValues" + at);
                deterministic(h, dW, wsBack, "weightedSumBackward dWeights" + at);
            }
        }
    }

    @Test
    void maskedSoftmaxForwardAndBackward() {
        try (CudaTwins h = twins(SEED + 1)) {
            for (int[] s : CUBES) {
                int b = s[0];
                int t = s[1];
                String at = " " + b + "x" + t;
                // About 70% live, the first row entirely masked (uniform weights).
                float[] mv = new float[b * t];
                for (int k = 0; k < mv.length; k++) {
                    mv[k] = k < t ? 0f : (h.rnd.nextDouble() < 0.7 ? 1f : 0f);
                }
                CudaTwins.T mask = h.floats(mv, b, t);
                CudaTwins.T scores = h.uniform(-20, 20, b, t);
                CudaTwins.T p = h.output(b, t);
                Consumer<Backend> soft = be -> be.maskedSoftmax(scores.on(be), mask.on(be), p.on(be));
                h.run(soft);
                h.check(p, RED, 1e-7, "maskedSoftmax" + at);
                float[] got = h.gpu.toFloats(p.on(h.gpu));
                for (int k = 0; k < t; k++) {
                    assertThat(got[k]).as("fully masked row").isEqualTo((float) (1.0 / t));
                }
                deterministic(h, p, soft, "maskedSoftmax" + at);

                CudaTwins.T dp = h.rand(b, t);
                CudaTwins.T dScores = h.output(b, t);
                Consumer<Backend> back = be -> be.maskedSoftmaxBackward(p.on(be), dp.on(be), mask.on(be),
                        dScores.on(be));
                h.run(back);
                h.check(dScores, RED, 1e-6, "maskedSoftmaxBackward" + at);
                deterministic(h, dScores, back, "maskedSoftmaxBackward" + at);
            }
            // Rank 3 scores: rows are everything but the last dimension.
            CudaTwins.T mask = h.mask(0.5, 3, 5, 33);
            CudaTwins.T scores = h.uniform(-5, 5, 3, 5, 33);
            CudaTwins.T p = h.output(3, 5, 33);
            h.run(be -> be.maskedSoftmax(scores.on(be), mask.on(be), p.on(be)));
            h.check(p, RED, 1e-7, "maskedSoftmax rank 3");
        }
    }

    /** Runs topK on both backends and requires the GPU's indices to equal the reference's, twice. */
    private static CudaTwins.T topK(CudaTwins h, CudaTwins.T w, int rows, int k, String what) {
        int[] unwritten = new int[rows * k];
        Arrays.fill(unwritten, -7);
        CudaTwins.T idx = h.ints(unwritten, rows, k);
        h.run(be -> be.topK(w.on(be), k, idx.on(be)));
        h.checkInts(idx, what);
        int[] first = h.gpu.toInts(idx.on(h.gpu));
        h.gpu.topK(w.on(h.gpu), k, idx.on(h.gpu));
        CudaTwins.sameInts(h.gpu.toInts(idx.on(h.gpu)), first, what + " twice");
        return idx;
    }

    @Test
    void topKTiesNanAndSignedZerosByHand() {
        try (CudaTwins h = twins(SEED + 2)) {
            CudaTwins.T w = h.floats(new float[] {1, 3, 3, 0, 3, -0f, 0f, Float.NaN}, 1, 8);
            CudaTwins.T idx = topK(h, w, 1, 8, "topK by hand");
            assertThat(h.gpu.toInts(idx.on(h.gpu))).containsExactly(7, 1, 2, 4, 0, 3, 6, 5);
            CudaTwins.T idx3 = topK(h, w, 1, 3, "topK 3 by hand");
            assertThat(h.gpu.toInts(idx3.on(h.gpu))).containsExactly(7, 1, 2);
        }
    }

    /** Weights from a small set (many ties), with NaNs of either sign, infinities and signed zeros. */
    private static float[] awkwardWeights(CudaTwins h, int n) {
        float[] special = {Float.NaN, Float.intBitsToFloat(0xffc00000), Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE};
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = h.rnd.nextInt(20) == 0 ? special[h.rnd.nextInt(special.length)] : h.rnd.nextInt(5) * 0.25f - 0.5f;
        }
        return v;
    }

    @Test
    void topKMatchesTheReferenceExactly() {
        try (CudaTwins h = twins(SEED + 3)) {
            // Row lengths covering each kernel variant: a warp per row (up to 128), 1, 4 and 16 keys per thread (256
            // and 1024 threads), and rows rescanned from memory.
            int[][] shapes = {{1, 1}, {7, 17}, {33, 7}, {17, 127}, {4, 128}, {4, 129}, {5, 256}, {9, 257}, {5, 1021}, {3, 1025},
                {3, 4096}, {2, 4099}, {2, 16384}, {2, 16385}, {1, 20000}};
            for (int[] s : shapes) {
                int b = s[0];
                int t = s[1];
                CudaTwins.T w = h.floats(awkwardWeights(h, b * t), b, t);
                for (int k : new int[] {1, Math.min(t, 50), (t + 1) / 2, t}) {
                    topK(h, w, b, k, "topK " + k + " of " + b + "x" + t);
                }
            }
            // The models' selections on continuous weights: K = 50 of T = 90 (up to 131072 rows) and of L = 990.
            CudaTwins.T w90 = h.rand(131072, 90);
            topK(h, w90, 131072, 50, "topK 50 of 90");
            CudaTwins.T w990 = h.rand(4096, 990);
            topK(h, w990, 4096, 50, "topK 50 of 990");
            // Rank 3 weights: rows are everything but the last dimension.
            CudaTwins.T w3 = h.floats(awkwardWeights(h, 2 * 3 * 90), 2, 3, 90);
            topK(h, w3, 6, 50, "topK rank 3");
        }
    }

    @Test
    void gathersAndScatters() {
        try (CudaTwins h = twins(SEED + 4)) {
            for (int[] s : CUBES) {
                int b = s[0];
                int t = s[1];
                int d = s[2];
                String at = " " + b + "x" + t + "x" + d;
                CudaTwins.T x = h.rand(b, t, d);
                CudaTwins.T wide = h.rand(b, t);
                CudaTwins.T tw = h.rand(b, t);
                for (int k : new int[] {1, Math.min(t, 50), t}) {
                    CudaTwins.T idx = h.ints(new int[b * k], b, k);
                    h.run(be -> be.topK(tw.on(be), k, idx.on(be)));
                    h.checkInts(idx, "topK for the gathers" + at);
                    CudaTwins.T g = h.output(b, k, d);
                    h.run(be -> be.gatherTime(x.on(be), idx.on(be), g.on(be)));
                    h.checkExact(g, "gatherTime k=" + k + at);
                    CudaTwins.T dX = h.rand(b, t, d);
                    h.run(be -> be.scatterAddTime(g.on(be), idx.on(be), dX.on(be)));
                    h.check(dX, ELEM, 0, "scatterAddTime k=" + k + at);
                    CudaTwins.T gc = h.output(b, k);
                    h.run(be -> be.gatherColumns(wide.on(be), idx.on(be), gc.on(be)));
                    h.checkExact(gc, "gatherColumns k=" + k + at);
                }
                // Repeated positions: each element of dX gets its additions in order of j.
                int k = 2 * t + 3;
                CudaTwins.T idx = h.ids(t, b, k);
                CudaTwins.T g = h.rand(b, k, d);
                CudaTwins.T dX = h.rand(b, t, d);
                Consumer<Backend> scatter = be -> be.scatterAddTime(g.on(be), idx.on(be), dX.on(be));
                h.run(scatter);
                h.check(dX, ELEM, 1e-6, "scatterAddTime repeated" + at);
                deterministic(h, dX, scatter, "scatterAddTime repeated" + at);
                CudaTwins.T gt = h.output(b, k, d);
                h.run(be -> be.gatherTime(x.on(be), idx.on(be), gt.on(be)));
                h.checkExact(gt, "gatherTime repeated" + at);
                CudaTwins.T gc = h.output(b, k);
                h.run(be -> be.gatherColumns(wide.on(be), idx.on(be), gc.on(be)));
                h.checkExact(gc, "gatherColumns repeated" + at);
            }
            // gatherColumns on rank 3 x: rows are everything but the last dimension.
            CudaTwins.T x3 = h.rand(2, 3, 17);
            CudaTwins.T idx3 = h.ids(17, 2, 3, 5);
            CudaTwins.T out3 = h.output(2, 3, 5);
            h.run(be -> be.gatherColumns(x3.on(be), idx3.on(be), out3.on(be)));
            h.checkExact(out3, "gatherColumns rank 3");
        }
    }

    @Test
    void positiveAndNonPadding() {
        try (CudaTwins h = twins(SEED + 5)) {
            for (int n : new int[] {1, 7, 17, 33, 127, 1021, 4099, 1 << 20}) {
                float[] v = new float[n];
                for (int k = 0; k < n; k++) {
                    int r = h.rnd.nextInt(10);
                    v[k] = r == 0 ? 0f : r == 1 ? -0f : r == 2 ? Float.NaN : (float) (h.rnd.nextDouble() * 2 - 1);
                }
                CudaTwins.T x = h.floats(v, n);
                CudaTwins.T out = h.output(n);
                h.run(be -> be.positive(x.on(be), out.on(be)));
                h.checkExact(out, "positive " + n);
                CudaTwins.T ids = h.ids(3, n);
                CudaTwins.T pad = h.output(n);
                h.run(be -> be.nonPadding(ids.on(be), pad.on(be)));
                h.checkExact(pad, "nonPadding " + n);
            }
            CudaTwins.T neg = h.ints(new int[] {-5, 0, 1, Integer.MIN_VALUE, Integer.MAX_VALUE}, 5);
            CudaTwins.T pad = h.output(5);
            h.run(be -> be.nonPadding(neg.on(be), pad.on(be)));
            h.checkExact(pad, "nonPadding signs");
        }
    }

    @Test
    void attentionFeaturesAndBroadcastMul() {
        try (CudaTwins h = twins(SEED + 6)) {
            for (int[] s : CUBES) {
                int b = s[0];
                int t = s[1];
                int d = s[2];
                String at = " " + b + "x" + t + "x" + d;
                CudaTwins.T q = h.rand(b, d);
                CudaTwins.T hs = h.rand(b, t, d);
                CudaTwins.T feats = h.output(b, t, 4 * d);
                h.run(be -> be.attentionFeatures(q.on(be), hs.on(be), feats.on(be)));
                h.check(feats, ELEM, 0, "attentionFeatures" + at);
                CudaTwins.T dFeats = h.rand(b, t, 4 * d);
                CudaTwins.T dq = h.rand(b, d);
                CudaTwins.T dh = h.rand(b, t, d);
                Consumer<Backend> featBack = be -> be.attentionFeaturesBackward(q.on(be), hs.on(be), dFeats.on(be),
                        dq.on(be), dh.on(be));
                h.run(featBack);
                h.check(dq, RED, 1e-6, "attentionFeaturesBackward dq" + at);
                h.check(dh, RED, 1e-7, "attentionFeaturesBackward dh" + at);
                deterministic(h, dq, featBack, "attentionFeaturesBackward dq" + at);

                CudaTwins.T prod = h.output(b, t, d);
                h.run(be -> be.broadcastMul(q.on(be), hs.on(be), prod.on(be)));
                h.check(prod, ELEM, 0, "broadcastMul" + at);
                CudaTwins.T dProd = h.rand(b, t, d);
                CudaTwins.T dQ = h.rand(b, d);
                CudaTwins.T dH = h.rand(b, t, d);
                Consumer<Backend> mulBack = be -> be.broadcastMulBackward(q.on(be), hs.on(be), dProd.on(be),
                        dQ.on(be), dH.on(be));
                h.run(mulBack);
                h.check(dQ, RED, 1e-6, "broadcastMulBackward dq" + at);
                h.check(dH, ELEM, 1e-7, "broadcastMulBackward dh" + at);
                deterministic(h, dQ, mulBack, "broadcastMulBackward dq" + at);
            }
        }
    }
}
