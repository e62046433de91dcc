package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.sim4j.cuda.backend.MixedPrecisionTwins.Pair;
import dev.sim4j.cuda.backend.MixedPrecisionTwins.Side;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attention family's bfloat16 build against its float32 build (the contract of {@link MixedPrecisionTwins}: the
 * gathers and scatters give the float32 outputs rounded, bit for bit; the dots, softmaxes and weighted sums, which the
 * bfloat16 build computes in float, are within one bfloat16 rounding), the fused dot attention and its backward against
 * their compositions (in both builds, bit for bit), and top-k's indices equal in both runs and to a host selection,
 * ties included. Shapes: awkward ones (1, 7, 17, 33, rows longer than a block, rows too long for the fused kernels'
 * shared memory) and the models' (B up to 4,096, T 10, 50, 90, 100 and SIM's 990, D 32, 36, 96); masks with fully
 * masked rows. Skips without a GPU; {@code -Dsim4j.seed=N} repeats a seed.
 */
class CudaMixedPrecisionAttentionTest {
    /**
     * [B, T, D]: awkward sizes, rows too long for the fused forward's shared memory (its composition runs: {5, 1021,
     * 3}, {3, 4099, 2}, {64, 990, 32}), and the models' (DIEN T 10 H 96, DIN T 90 D 36, SIM's K 50 and L 990). Kept
     * to a few million elements: the host copies of the largest (attentionFeatures' [B,T,4D]) must fit the tests'
     * 2 GB heap.
     */
    static final int[][] CUBES = {{1, 1, 1}, {7, 17, 33}, {33, 7, 17}, {5, 1021, 3}, {3, 4099, 2}, {64, 990, 32},
        {4096, 10, 96}, {4096, 50, 32}, {2048, 90, 36}, {512, 100, 96}, {1024, 100, 36}};
    static MixedPrecisionTwins tw;

    @BeforeAll
    static void setUp() {
        tw = new MixedPrecisionTwins(Long.getLong("sim4j.seed", 20261204L));
    }

    @AfterAll
    static void tearDown() {
        if (tw != null) {
            tw.close();
        }
    }

    static String at(int... shape) {
        return " " + Arrays.toString(shape);
    }

    /** A 0/1 mask [b, t], about 70% live, with every fifth row (the first among them) fully masked. */
    static Pair maskWithEmptyRows(int b, int t) {
        float[] v = new float[b * t];
        for (int r = 0; r < b; r++) {
            for (int k = 0; k < t; k++) {
                v[r * t + k] = r % 5 != 0 && tw.rnd.nextDouble() < 0.7 ? 1f : 0f;
            }
        }
        return tw.act(v, b, t);
    }

    /** a and b hold the same bits in each run (a fused op against its composition, in both builds). */
    static void sameBits(Pair a, Pair b, String what) {
        float[] x = tw.gpu.toFloats(a.on(Side.F32));
        float[] y = tw.gpu.toFloats(b.on(Side.F32));
        for (int k = 0; k < x.length; k++) {
            if (Float.floatToRawIntBits(x[k]) != Float.floatToRawIntBits(y[k])) {
                fail("%s (float32 build) %s: element %d is %s and %s", what, Arrays.toString(a.shape()), k, x[k],
                        y[k]);
            }
        }
        tw.sameBits(a, b, what + " (" + tw.half + " build)");
    }

    @Test
    void dotsAndWeightedSumsAreTheFloatResultsRounded() {
        for (int[] s : CUBES) {
            int b = s[0];
            int t = s[1];
            int d = s[2];
            Pair keys = tw.act(b, t, d);
            Pair q = tw.act(b, d);
            Pair scores = tw.actOutput(b, t);
            tw.run(side -> tw.gpu.batchedDot(keys.on(side), q.on(side), scores.on(side)));
            tw.checkClose(scores, "batchedDot" + at(s));

            Pair g = tw.act(b, t);
            Pair dKeys = tw.act(b, t, d);
            Pair dQuery = tw.act(b, d);
            tw.run(side -> tw.gpu.batchedDotBackward(keys.on(side), q.on(side), g.on(side), dKeys.on(side),
                    dQuery.on(side)));
            tw.checkClose(dKeys, "batchedDotBackward dKeys" + at(s));
            tw.checkClose(dQuery, "batchedDotBackward dQuery" + at(s));

            Pair w = tw.act(b, t);
            Pair sum = tw.actOutput(b, d);
            tw.run(side -> tw.gpu.weightedSum(w.on(side), keys.on(side), sum.on(side)));
            tw.checkClose(sum, "weightedSum" + at(s));

            Pair dOut = tw.act(b, d);
            Pair dW = tw.actOutput(b, t);
            Pair dV = tw.act(b, t, d);
            tw.run(side -> tw.gpu.weightedSumBackward(w.on(side), keys.on(side), dOut.on(side), dW.on(side),
                    dV.on(side)));
            tw.checkClose(dW, "weightedSumBackward dWeights" + at(s));
            tw.checkClose(dV, "weightedSumBackward dValues" + at(s));
        }
    }

    @Test
    void maskedSoftmaxIsTheFloatResultRounded() {
        for (int[] s : CUBES) {
            int b = s[0];
            int t = s[1];
            Pair mask = maskWithEmptyRows(b, t);
            Pair scores = tw.act(tw.values(-20, 20, b * t), b, t);
            Pair p = tw.actOutput(b, t);
            tw.run(side -> tw.gpu.maskedSoftmax(scores.on(side), mask.on(side), p.on(side)));
            tw.checkClose(p, "maskedSoftmax" + at(b, t));
            float[] got = tw.gpu.toFloats(p.on(Side.HALF));
            for (int k = 0; k < t; k++) {
                assertThat(got[k]).as("fully masked row" + at(b, t)).isEqualTo(tw.round((float) (1.0 / t)));
            }

            // The backward's input: the softmax's bfloat16 output in both runs (the contract needs equal inputs).
            Pair pIn = tw.act(got, b, t);
            Pair dp = tw.act(b, t);
            Pair dScores = tw.actOutput(b, t);
            tw.run(side -> tw.gpu.maskedSoftmaxBackward(pIn.on(side), dp.on(side), mask.on(side), dScores.on(side)));
            tw.checkClose(dScores, "maskedSoftmaxBackward" + at(b, t));
        }
        // Rank 3 scores: rows are everything but the last dimension.
        Pair mask = tw.mask(0.5, 3, 5, 33);
        Pair scores = tw.act(tw.values(-5, 5, 3 * 5 * 33), 3, 5, 33);
        Pair p = tw.actOutput(3, 5, 33);
        tw.run(side -> tw.gpu.maskedSoftmax(scores.on(side), mask.on(side), p.on(side)));
        tw.checkClose(p, "maskedSoftmax rank 3");
    }

    @Test
    void fusedDotAttentionEqualsItsComposition() {
        for (int[] s : CUBES) {
            int b = s[0];
            int t = s[1];
            int d = s[2];
            Pair keys = tw.act(b, t, d);
            Pair q = tw.act(b, d);
            Pair mask = maskWithEmptyRows(b, t);
            Pair scores = tw.actOutput(b, t);
            Pair w = tw.actOutput(b, t);
            Pair out = tw.actOutput(b, d);
            tw.run(side -> tw.gpu.dotAttention(keys.on(side), q.on(side), mask.on(side), scores.on(side), w.on(side),
                    out.on(side)));
            // Only the scores see the same inputs in both runs: the softmax reads them as stored (bfloat16 in the
            // bfloat16 run), so the weights and the sums are checked against the composition instead.
            tw.checkClose(scores, "dotAttention scores" + at(s));
            Pair scores2 = tw.actOutput(b, t);
            Pair w2 = tw.actOutput(b, t);
            Pair out2 = tw.actOutput(b, d);
            tw.run(side -> {
                tw.gpu.batchedDot(keys.on(side), q.on(side), scores2.on(side));
                tw.gpu.maskedSoftmax(scores2.on(side), mask.on(side), w2.on(side));
                tw.gpu.weightedSum(w2.on(side), keys.on(side), out2.on(side));
            });
            sameBits(scores, scores2, "dotAttention scores" + at(s));
            sameBits(w, w2, "dotAttention weights" + at(s));
            sameBits(out, out2, "dotAttention out" + at(s));

            // Weights as a softmax gives them (in [0, 1)), the same values in both runs.
            Pair p = tw.act(tw.values(0, 1, b * t), b, t);
            Pair g = tw.act(b, d);
            float[] dk0 = tw.values(-1, 1, b * t * d);
            float[] dq0 = tw.values(-1, 1, b * d);
            Pair dW = tw.actOutput(b, t);
            Pair dS = tw.actOutput(b, t);
            Pair dK = tw.act(dk0, b, t, d);
            Pair dQ = tw.act(dq0, b, d);
            tw.run(side -> tw.gpu.dotAttentionBackward(keys.on(side), q.on(side), mask.on(side), p.on(side),
                    g.on(side), dW.on(side), dS.on(side), dK.on(side), dQ.on(side)));
            // dWeights reads the same inputs in both runs; dScores, dKeys and dQuery read dWeights (and dKeys its
            // first += ) as stored, so they are checked against the composition.
            tw.checkClose(dW, "dotAttentionBackward dWeights" + at(s));
            Pair dW2 = tw.actOutput(b, t);
            Pair dS2 = tw.actOutput(b, t);
            Pair dK2 = tw.act(dk0, b, t, d);
            Pair dQ2 = tw.act(dq0, b, d);
            tw.run(side -> {
                tw.gpu.weightedSumBackward(p.on(side), keys.on(side), g.on(side), dW2.on(side), dK2.on(side));
                tw.gpu.maskedSoftmaxBackward(p.on(side), dW2.on(side), mask.on(side), dS2.on(side));
                tw.gpu.batchedDotBackward(keys.on(side), q.on(side), dS2.on(side), dK2.on(side), dQ2.on(side));
            });
            sameBits(dW, dW2, "dotAttentionBackward dWeights" + at(s));
            sameBits(dS, dS2, "dotAttentionBackward dScores" + at(s));
            sameBits(dK, dK2, "dotAttentionBackward dKeys" + at(s));
            sameBits(dQ, dQ2, "dotAttentionBackward dQuery" + at(s));
        }
    }

    /** An I32 output [rows, k] between two guards, -7 where unwritten; one per run. */
    record IntOutput(Tensor whole, Tensor view, int length) {
        static IntOutput of(int rows, int k) {
            int n = rows * k;
            int[] v = new int[n + 2];
            Arrays.fill(v, -7);
            v[0] = 12345;
            v[n + 1] = -12345;
            Tensor whole = tw.gpu.upload(v, n + 2);
            return new IntOutput(whole, whole.rows(1, n + 1).reshape(rows, k), n);
        }

        int[] values(String what) {
            int[] all = tw.gpu.toInts(whole);
            assertThat(all[0]).as(what + " guard").isEqualTo(12345);
            assertThat(all[length + 1]).as(what + " guard").isEqualTo(-12345);
            return Arrays.copyOfRange(all, 1, length + 1);
        }
    }

    /**
     * The reference's selection on the host (TopK on the CPU): each weight's bits ordered as Double.compare (NaN
     * first, -0 below +0), descending, ties to the lower position.
     */
    static int[] hostTopK(float[] w, int rows, int t, int k) {
        int[] idx = new int[rows * k];
        long[] keys = new long[t];
        for (int r = 0; r < rows; r++) {
            for (int pos = 0; pos < t; pos++) {
                int bits = Float.floatToIntBits(w[r * t + pos]);
                int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
                keys[pos] = ((long) ~ordered << 32) | pos;
            }
            Arrays.sort(keys);
            for (int j = 0; j < k; j++) {
                idx[r * k + j] = (int) keys[j];
            }
        }
        return idx;
    }

    static void sameInts(int[] got, int[] want, String what) {
        for (int i = 0; i < want.length; i++) {
            if (got[i] != want[i]) {
                fail("%s: index %d is %d, expected %d", what, i, got[i], want[i]);
            }
        }
    }

    /** topK in both runs: the indices are the same in both, and the host's. */
    static void topK(float[] w, int rows, int t, int k, String what) {
        Pair weights = tw.act(w, rows, t);
        IntOutput[] idx = {IntOutput.of(rows, k), IntOutput.of(rows, k)};
        tw.run(side -> tw.gpu.topK(weights.on(side), k, idx[side.ordinal()].view()));
        int[] want = hostTopK(w, rows, t, k);
        sameInts(idx[Side.F32.ordinal()].values(what), want, what + " (float32 build)");
        sameInts(idx[Side.HALF.ordinal()].values(what), want, what + " (" + tw.half + " build)");
    }

    /** Weights from a small set (many ties) with NaNs of either sign, infinities, signed zeros, tiny, huge values. */
    static float[] tiedWeights(int n) {
        float[] special = {Float.NaN, Float.intBitsToFloat(0xffc00000), Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, 0f, -0f, tw.tiny(), -tw.tiny(), tw.largest(), -tw.largest()};
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = tw.rnd.nextInt(20) == 0 ? special[tw.rnd.nextInt(special.length)] : tw.rnd.nextInt(5) * 0.25f - 0.5f;
        }
        return v;
    }

    @Test
    void topKSelectsTheSameIndicesInBothBuilds() {
        float[] byHand = {1, 3, 3, 0, 3, -0f, 0f, Float.NaN};
        topK(byHand, 1, 8, 8, "topK by hand");
        assertThat(hostTopK(byHand, 1, 8, 8)).containsExactly(7, 1, 2, 4, 0, 3, 6, 5);
        // Row lengths covering each kernel: a warp per row (up to 128), 1, 4 and 16 keys per thread, rescanned rows.
        int[][] shapes = {{1, 1}, {7, 17}, {33, 7}, {4, 128}, {4, 129}, {9, 257}, {5, 1021}, {3, 1025}, {3, 4096},
            {2, 4099}};
        for (int[] s : shapes) {
            float[] w = tiedWeights(s[0] * s[1]);
            for (int k : new int[] {1, Math.min(s[1], 50), s[1]}) {
                topK(w, s[0], s[1], k, "topK " + k + " of" + at(s));
            }
        }
        // The models' selections; bfloat16 weights in [-1, 1) tie often.
        for (int[] s : new int[][] {{4096, 90}, {4096, 100}, {512, 990}}) {
            topK(tw.values(-1, 1, s[0] * s[1]), s[0], s[1], 50, "topK 50 of" + at(s));
        }
    }

    /** Indices [b, k] into rows of t: distinct positions within a row (as top-k gives), in random order. */
    static int[] distinct(int b, int t, int k) {
        int[] idx = new int[b * k];
        int[] perm = new int[t];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                perm[i] = i;
            }
            for (int j = 0; j < k; j++) {
                int pick = j + tw.rnd.nextInt(t - j);
                int x = perm[pick];
                perm[pick] = perm[j];
                perm[j] = x;
                idx[r * k + j] = x;
            }
        }
        return idx;
    }

    /** Indices [b, 2t]: every position of a row exactly twice, in random order. */
    static int[] twice(int b, int t) {
        int[] idx = new int[b * 2 * t];
        int[] both = new int[2 * t];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < 2 * t; i++) {
                both[i] = i % t;
            }
            for (int i = 2 * t - 1; i > 0; i--) {
                int pick = tw.rnd.nextInt(i + 1);
                int x = both[pick];
                both[pick] = both[i];
                both[i] = x;
            }
            System.arraycopy(both, 0, idx, r * 2 * t, 2 * t);
        }
        return idx;
    }

    @Test
    void gathersMoveValuesAndScattersRound() {
        for (int[] s : CUBES) {
            int b = s[0];
            int t = s[1];
            int d = s[2];
            Pair x = tw.act(b, t, d);
            Pair wide = tw.act(b, t);
            for (int k : new int[] {1, Math.min(t, 50), t}) {
                String what = " k=" + k + at(s);
                Tensor idx = tw.gpu.upload(distinct(b, t, k), b, k);
                Pair g = tw.actOutput(b, k, d);
                tw.run(side -> tw.gpu.gatherTime(x.on(side), idx, g.on(side)));
                tw.check(g, "gatherTime" + what);
                Pair dX = tw.act(b, t, d);
                tw.run(side -> tw.gpu.scatterAddTime(g.on(side), idx, dX.on(side)));
                tw.check(dX, "scatterAddTime (distinct positions)" + what);
                Pair gc = tw.actOutput(b, k);
                tw.run(side -> tw.gpu.gatherColumns(wide.on(side), idx, gc.on(side)));
                tw.check(gc, "gatherColumns" + what);
            }
            // Repeated positions: the gathers still move values; the scatter's second add to an element reads the
            // first as stored, a bfloat16 in the bfloat16 run where the float32 run keeps a float, so the result
            // cannot be the float32 one rounded (making it so would need a float accumulator per repeated element
            // across interleaved positions; top-k, the models' only source of indices, never repeats). Each element
            // here gets exactly two adds of values in [-1, 1) to one in [-1, 1): the runs differ by the bfloat16
            // rounding of the first sum (below 2) carried through the second, plus the final rounding (below 3), at
            // most 2^-7 + 3 * 2^-8 < 0.02, and the largest of a thousand or more results is well above 1.
            int k = 2 * t;
            Tensor idx = tw.gpu.upload(twice(b, t), b, k);
            Pair gt = tw.actOutput(b, k, d);
            tw.run(side -> tw.gpu.gatherTime(x.on(side), idx, gt.on(side)));
            tw.check(gt, "gatherTime repeated" + at(s));
            Pair gc = tw.actOutput(b, k);
            tw.run(side -> tw.gpu.gatherColumns(wide.on(side), idx, gc.on(side)));
            tw.check(gc, "gatherColumns repeated" + at(s));
            if ((long) b * t * d >= 1000) {
                Pair dOut = tw.act(b, k, d);
                Pair dX = tw.act(b, t, d);
                tw.run(side -> tw.gpu.scatterAddTime(dOut.on(side), idx, dX.on(side)));
                tw.near(dX, 0.02, "scatterAddTime repeated" + at(s));
            }
        }
        // gatherColumns on rank 3 x: rows are everything but the last dimension.
        Pair x3 = tw.act(2, 3, 17);
        Tensor idx3 = tw.gpu.upload(distinct(6, 17, 5), 2, 3, 5);
        Pair out3 = tw.actOutput(2, 3, 5);
        tw.run(side -> tw.gpu.gatherColumns(x3.on(side), idx3, out3.on(side)));
        tw.check(out3, "gatherColumns rank 3");
    }

    @Test
    void masksAreExact() {
        for (int n : new int[] {1, 7, 33, 1021, 4099, 1 << 20}) {
            float[] v = tw.values(-1, 1, n);
            for (int i = 0; i < n; i++) {
                int r = tw.rnd.nextInt(10);
                float tiny = tw.tiny(); // the smallest 16-bit value above 0 (a subnormal)
                v[i] = r == 0 ? 0f : r == 1 ? -0f : r == 2 ? Float.NaN : r == 3 ? tiny : v[i];
            }
            Pair x = tw.act(v, n);
            Pair out = tw.actOutput(n);
            tw.run(side -> tw.gpu.positive(x.on(side), out.on(side)));
            tw.check(out, "positive " + n);
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) {
                int r = tw.rnd.nextInt(8);
                ids[i] = r == 0 ? Integer.MIN_VALUE : r == 1 ? Integer.MAX_VALUE : r - 4;
            }
            Tensor idTensor = tw.gpu.upload(ids, n);
            Pair pad = tw.actOutput(n);
            tw.run(side -> tw.gpu.nonPadding(idTensor, pad.on(side)));
            tw.check(pad, "nonPadding " + n);
        }
    }

    @Test
    void attentionFeaturesAndBroadcastMulAreTheFloatResultsRounded() {
        for (int[] s : CUBES) {
            int b = s[0];
            int t = s[1];
            int d = s[2];
            Pair q = tw.act(b, d);
            Pair h = tw.act(b, t, d);
            Pair feats = tw.actOutput(b, t, 4 * d);
            tw.run(side -> tw.gpu.attentionFeatures(q.on(side), h.on(side), feats.on(side)));
            tw.checkClose(feats, "attentionFeatures" + at(s));
            Pair dFeats = tw.act(b, t, 4 * d);
            Pair dq = tw.act(b, d);
            Pair dh = tw.act(b, t, d);
            tw.run(side -> tw.gpu.attentionFeaturesBackward(q.on(side), h.on(side), dFeats.on(side), dq.on(side),
                    dh.on(side)));
            tw.checkClose(dq, "attentionFeaturesBackward dq" + at(s));
            tw.checkClose(dh, "attentionFeaturesBackward dh" + at(s));

            Pair prod = tw.actOutput(b, t, d);
            tw.run(side -> tw.gpu.broadcastMul(q.on(side), h.on(side), prod.on(side)));
            tw.checkClose(prod, "broadcastMul" + at(s));
            Pair dProd = tw.act(b, t, d);
            Pair dQ = tw.act(b, d);
            Pair dH = tw.act(b, t, d);
            tw.run(side -> tw.gpu.broadcastMulBackward(q.on(side), h.on(side), dProd.on(side), dQ.on(side),
                    dH.on(side)));
            tw.checkClose(dQ, "broadcastMulBackward dq" + at(s));
            tw.checkClose(dH, "broadcastMulBackward dh" + at(s));
        }
    }

    @Test
    void mixedActivationTypesAreRefusedWithTheOpsName() {
        Tensor keys = tw.gpu.zeros(DType.F32, 2, 3, 4);
        Tensor q = tw.gpu.zeros(tw.half, 2, 4);
        Tensor out = tw.gpu.zeros(DType.F32, 2, 3);
        assertThatThrownBy(() -> tw.gpu.batchedDot(keys, q, out)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchedDot").hasMessageContaining(tw.half.name());
        Tensor q32 = tw.gpu.zeros(DType.F32, 2, 4);
        Tensor mask16 = tw.gpu.zeros(tw.half, 2, 3);
        assertThatThrownBy(() -> tw.gpu.dotAttention(keys, q32, mask16, out, out, q32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dotAttention");
        Tensor ids = tw.gpu.upload(new int[] {1, 0, 2, 3, 0, 1}, 2, 3);
        assertThatThrownBy(() -> tw.gpu.gatherColumns(out, ids, mask16))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gatherColumns");
        assertThatThrownBy(() -> tw.gpu.topK(ids, 1, tw.gpu.zeros(DType.I32, 2, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topK");
    }
}
