package dev.sim4j.engine.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.kernels.CounterRandom;
import dev.sim4j.engine.kernels.RowTensors;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Every kernel of a backend against {@link dev.sim4j.engine.reference.ScalarBackend} in F64, over awkward sizes
 * (1, 7, 17, 33, 127) and model shapes, with every argument a view at an offset and every output pre-filled (random
 * values, so accumulating outputs test {@code +=}, or NaN, so overwritten ones test that old values are never read).
 * The candidates of one subclass (e.g. the CPU backend at 1, 2 and 4 threads) must also agree with each other bit for
 * bit; model shapes are large enough to split into many chunks. Run with {@code -Dsim4j.seed=N} to repeat a seed.
 *
 * <p>One subclass per backend supplies {@link #candidates()}: this module's CPU backend and the scalar reference in
 * F32 here, the CUDA backend in sim4j-cuda (through this module's test jar).
 */
public abstract class BackendConformanceSuite {
    static final int[] SIZES = {1, 7, 17, 33, 127};
    /** Elementwise ops: a few float roundings. */
    static final double ELEM = 1e-6;
    /** Reductions summed in double, or transcendental chains: still a few roundings, plus cancellation. */
    static final double RED = 1e-5;

    long seed;
    Twins h;

    /**
     * The backends under test, made afresh for each test (the suite closes them): several instances that must agree
     * bit for bit (thread counts), or one.
     */
    protected abstract List<Backend> candidates();

    /**
     * Whether the candidates check ids against their tables and throw (the CPU backends, where a check is free); a
     * GPU kernel cannot throw, and ids are checked where a batch enters the device.
     */
    protected boolean checksIds() {
        return false;
    }

    @BeforeEach
    void setUp(TestInfo test) {
        // A fixed default keeps CI repeatable; -Dsim4j.seed=N explores others.
        seed = Long.getLong("sim4j.seed", 20261127L);
        System.out.println(getClass().getSimpleName() + "." + test.getDisplayName() + " seed = " + seed
                + " (repeat with -Dsim4j.seed=" + seed + ")");
        h = new Twins(seed, candidates());
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** [rows, columns] shapes: awkward pairs and the model's [B, H], [B*T, E]. */
    static final int[][] MATS = {{1, 1}, {1, 127}, {7, 17}, {17, 33}, {33, 7}, {127, 127}, {2048, 36}, {3000, 18}};
    /** [B, T, D] shapes. */
    static final int[][] CUBES = {{1, 1, 1}, {7, 17, 33}, {33, 7, 17}, {17, 127, 1}, {127, 33, 7}, {300, 90, 36}};

    @Test
    void matmulAllTransposesAtAwkwardSizes() {
        for (int m : SIZES) {
            for (int n : SIZES) {
                for (int k : new int[] {1, 7, 33, 127}) {
                    for (int combo = 0; combo < 4; combo++) {
                        matmulCase(m, k, n, (combo & 1) != 0, (combo & 2) != 0, combo == 3 ? 0.5 : combo == 1 ? 1 : 0);
                    }
                }
            }
        }
    }

    @Test
    void matmulModelShapes() {
        // Forward layers [B, in] x [in, out], their input gradient (B^T) and weight gradient (A^T, long K).
        matmulCase(2048, 96, 288, false, false, 0);
        matmulCase(2048, 32, 288, false, false, 0);
        matmulCase(2048, 288, 96, false, true, 0);
        matmulCase(96, 2048, 288, true, false, 1);
        matmulCase(33, 5000, 40, true, false, 0.5); // K beyond one reduction super-block
        matmulCase(40, 300, 200, true, true, 0);
        matmulCase(2048, 80, 1, false, false, 1); // the logit layer: a single column
        // Weight gradients with few output tiles: K is split into parts (and with beta 0, NaN in C is ignored).
        matmulCase(32, 18432, 100, true, false, 1);
        matmulCase(100, 36864, 50, true, false, 0);
        matmulCase(96, 20480, 192, true, false, 0.5);
        matmulCase(7, 8193, 3, true, false, 0);
        matmulCase(40, 9000, 1, false, true, 1);
    }

    void matmulCase(int m, int k, int n, boolean ta, boolean tb, double beta) {
        Twins.T a = ta ? h.rand(k, m) : h.rand(m, k);
        Twins.T b = tb ? h.rand(n, k) : h.rand(k, n);
        // beta = 0 must ignore what is in c, even NaN.
        Twins.T c = beta == 0 ? h.constant(Float.NaN, m, n) : h.rand(m, n);
        h.run(be -> be.matmul(a.on(be), ta, b.on(be), tb, c.on(be), beta));
        h.check(c, 0, 2e-6 * Math.sqrt(k + 1), "matmul " + m + "x" + k + "x" + n + " ta=" + ta + " tb=" + tb);
    }

    @Test
    void denseAlgebra() {
        for (int[] s : MATS) {
            int m = s[0];
            int n = s[1];
            Twins.T x = h.rand(m, n);
            Twins.T y = h.rand(m, n);
            Twins.T v = h.rand(n);
            Twins.T out = h.rand(m, n);
            Twins.T x2 = h.rand(m, n);
            h.run(be -> be.addRowVector(x2.on(be), v.on(be)));
            h.check(x2, ELEM, 0, "addRowVector");
            for (double beta : new double[] {0, 0.7}) {
                Twins.T sums = h.rand(n);
                h.run(be -> be.sumRows(x.on(be), sums.on(be), beta));
                h.check(sums, RED, 1e-6, "sumRows");
            }
            h.run(be -> be.add(x.on(be), y.on(be), out.on(be)));
            h.check(out, ELEM, 0, "add");
            h.run(be -> be.subtract(x.on(be), y.on(be), out.on(be)));
            h.check(out, ELEM, 0, "subtract");
            h.run(be -> be.mul(x.on(be), y.on(be), out.on(be)));
            h.check(out, ELEM, 0, "mul");
            Twins.T acc = h.rand(m, n);
            h.run(be -> be.axpy(-0.3, x.on(be), acc.on(be)));
            h.check(acc, ELEM, 1e-7, "axpy");
            Twins.T s2 = h.rand(m);
            h.run(be -> be.mulRows(x.on(be), s2.on(be), out.on(be)));
            h.check(out, ELEM, 0, "mulRows");
            Twins.T dots = h.rand(m);
            h.run(be -> be.rowDot(x.on(be), y.on(be), dots.on(be)));
            h.check(dots, RED, 1e-6, "rowDot");
            Twins.T sc = h.rand(m, n);
            h.run(be -> be.scale(sc.on(be), 1.7));
            h.check(sc, ELEM, 0, "scale");
            // In place: out may be one of the inputs.
            Twins.T z = h.rand(m, n);
            h.run(be -> be.add(z.on(be), y.on(be), z.on(be)));
            h.check(z, ELEM, 0, "add in place");
        }
    }

    @Test
    void activations() {
        for (int[] s : MATS) {
            int m = s[0];
            int n = s[1];
            Twins.T x = h.uniform(-12, 12, m, n);
            Twins.T small = h.uniform(-0.1, 0.1, m, n);
            Twins.T y = h.rand(m, n);
            Twins.T dy = h.rand(m, n);
            Twins.T out = h.rand(m, n);
            h.run(be -> be.sigmoid(x.on(be), out.on(be)));
            h.check(out, ELEM, 0, "sigmoid");
            h.run(be -> be.tanh(x.on(be), out.on(be)));
            h.check(out, ELEM, 0, "tanh");
            h.run(be -> be.tanh(small.on(be), out.on(be)));
            h.check(out, ELEM, 0, "tanh near 0");
            h.run(be -> be.sigmoidBackward(y.on(be), dy.on(be), out.on(be)));
            h.check(out, ELEM, 0, "sigmoidBackward");
            h.run(be -> be.tanhBackward(y.on(be), dy.on(be), out.on(be)));
            h.check(out, ELEM, 0, "tanhBackward");
            Twins.T alpha = h.rand(n);
            h.run(be -> be.prelu(y.on(be), alpha.on(be), out.on(be)));
            h.check(out, ELEM, 0, "prelu");
            Twins.T dAlpha = h.rand(n);
            h.run(be -> be.preluBackward(y.on(be), alpha.on(be), dy.on(be), out.on(be), dAlpha.on(be)));
            h.check(out, ELEM, 0, "preluBackward dx");
            h.check(dAlpha, RED, 1e-6, "preluBackward dAlpha");
        }
    }

    @Test
    void fusedDenseEpilogues() {
        for (int[] s : MATS) {
            int m = s[0];
            int n = s[1];
            Twins.T bias = h.rand(n);
            Twins.T alpha = h.rand(n);
            // addBiasPrelu: x += bias in place (the kept pre-activation), y overwritten.
            Twins.T pre = h.rand(m, n);
            Twins.T act = h.poisoned(m, n);
            h.run(be -> be.addBiasPrelu(pre.on(be), bias.on(be), alpha.on(be), act.on(be)));
            h.check(pre, ELEM, 0, "addBiasPrelu pre-activation");
            h.check(act, ELEM, 0, "addBiasPrelu");
            // addBiasSigmoid into another tensor leaves x alone; wide inputs reach both branches of the sigmoid.
            Twins.T x = h.uniform(-8, 8, m, n);
            Twins.T y = h.poisoned(m, n);
            h.run(be -> be.addBiasSigmoid(x.on(be), bias.on(be), y.on(be)));
            h.check(y, ELEM, 1e-7, "addBiasSigmoid");
            h.check(x, 0, 0, "addBiasSigmoid input");
            Twins.T z = h.uniform(-8, 8, m, n);
            h.run(be -> be.addBiasSigmoid(z.on(be), bias.on(be), z.on(be)));
            h.check(z, ELEM, 1e-7, "addBiasSigmoid in place");
            // sigmoidBackwardSumRows: dx overwritten, the bias gradient accumulated.
            Twins.T sig = h.uniform(0, 1, m, n);
            Twins.T dy = h.rand(m, n);
            Twins.T dx = h.poisoned(m, n);
            Twins.T biasGrad = h.rand(n);
            h.run(be -> be.sigmoidBackwardSumRows(sig.on(be), dy.on(be), dx.on(be), biasGrad.on(be)));
            h.check(dx, ELEM, 0, "sigmoidBackwardSumRows dx");
            h.check(biasGrad, RED, 1e-6, "sigmoidBackwardSumRows biasGrad");
        }
    }

    /**
     * Each fused epilogue against the ops it fuses, on the same candidate: bit for bit, since models swap one for the
     * other and a backend's results must not depend on the choice.
     */
    @Test
    void fusedEpiloguesEqualTheirCompositionBitForBit() {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int[] s : MATS) {
            int m = s[0];
            int n = s[1];
            float[] xs = values(rnd, m * n, 8);
            float[] ys = values(rnd, m * n, 1);
            float[] bs = values(rnd, n, 1);
            float[] as = values(rnd, n, 1);
            float[] gs = values(rnd, n, 1);
            Twins.T bias = h.floats(bs, n);
            Twins.T alpha = h.floats(as, n);
            Twins.T dy = h.floats(ys, m, n);
            Twins.T sig = h.uniform(0, 1, m, n);
            Twins.T preA = h.floats(xs, m, n);
            Twins.T preB = h.floats(xs, m, n);
            Twins.T actA = h.poisoned(m, n);
            Twins.T actB = h.poisoned(m, n);
            Twins.T yA = h.poisoned(m, n);
            Twins.T yB = h.poisoned(m, n);
            Twins.T inPlaceA = h.floats(xs, m, n);
            Twins.T inPlaceB = h.floats(xs, m, n);
            Twins.T dxA = h.poisoned(m, n);
            Twins.T dxB = h.poisoned(m, n);
            Twins.T gradA = h.floats(gs, n);
            Twins.T gradB = h.floats(gs, n);
            for (Backend be : h.candidates) {
                String at = " " + m + "x" + n + " on " + be.name();
                be.addBiasPrelu(preA.on(be), bias.on(be), alpha.on(be), actA.on(be));
                be.addRowVector(preB.on(be), bias.on(be));
                be.prelu(preB.on(be), alpha.on(be), actB.on(be));
                sameBits(be, preA, preB, "addBiasPrelu pre-activation" + at);
                sameBits(be, actA, actB, "addBiasPrelu" + at);
                be.addBiasSigmoid(preB.on(be), bias.on(be), yA.on(be));
                be.copy(preB.on(be), yB.on(be));
                be.addRowVector(yB.on(be), bias.on(be));
                be.sigmoid(yB.on(be), yB.on(be));
                sameBits(be, yA, yB, "addBiasSigmoid" + at);
                be.addBiasSigmoid(inPlaceA.on(be), bias.on(be), inPlaceA.on(be));
                be.addRowVector(inPlaceB.on(be), bias.on(be));
                be.sigmoid(inPlaceB.on(be), inPlaceB.on(be));
                sameBits(be, inPlaceA, inPlaceB, "addBiasSigmoid in place" + at);
                be.sigmoidBackwardSumRows(sig.on(be), dy.on(be), dxA.on(be), gradA.on(be));
                be.sigmoidBackward(sig.on(be), dy.on(be), dxB.on(be));
                be.sumRows(dxB.on(be), gradB.on(be), 1);
                sameBits(be, dxA, dxB, "sigmoidBackwardSumRows dx" + at);
                sameBits(be, gradA, gradB, "sigmoidBackwardSumRows biasGrad" + at);
            }
        }
    }

    private static float[] values(SplittableRandom rnd, int size, double range) {
        float[] v = new float[size];
        for (int k = 0; k < size; k++) {
            v[k] = (float) (range * (2 * rnd.nextDouble() - 1));
        }
        return v;
    }

    private static void sameBits(Backend be, Twins.T a, Twins.T b, String what) {
        float[] x = be.toFloats(a.on(be));
        float[] y = be.toFloats(b.on(be));
        assertThat(y).as(what).hasSameSizeAs(x);
        for (int k = 0; k < x.length; k++) {
            // Raw bits: NaN payloads and signed zeros count too (AssertJ's array comparison is quadratic here).
            if (Float.floatToRawIntBits(x[k]) != Float.floatToRawIntBits(y[k])) {
                fail("%s: element %d is %s fused, %s composed", what, k, x[k], y[k]);
            }
        }
    }

    @Test
    void layout() {
        for (int[] s : MATS) {
            int m = s[0];
            int n = s[1];
            Twins.T p0 = h.rand(m, n);
            Twins.T p1 = h.rand(m, 1);
            Twins.T p2 = h.rand(m, 5);
            Twins.T out = h.rand(m, n + 6);
            h.run(be -> be.concatColumns(List.of(p0.on(be), p1.on(be), p2.on(be)), out.on(be)));
            h.check(out, 0, 0, "concatColumns");
            for (boolean accumulate : new boolean[] {false, true}) {
                Twins.T in = h.rand(m, n + 6);
                Twins.T q0 = h.rand(m, n);
                Twins.T q1 = h.rand(m, 1);
                Twins.T q2 = h.rand(m, 5);
                h.run(be -> be.splitColumns(in.on(be), List.of(q0.on(be), q1.on(be), q2.on(be)), accumulate));
                h.check(q0, ELEM, 0, "splitColumns");
                h.check(q1, ELEM, 0, "splitColumns");
                h.check(q2, ELEM, 0, "splitColumns");
            }
        }
        for (int[] s : CUBES) {
            Twins.T x = h.rand(s);
            Twins.T out = h.rand(s[1], s[0], s[2]);
            h.run(be -> be.transpose01(x.on(be), out.on(be)));
            h.check(out, 0, 0, "transpose01");
        }
    }

    @Test
    void embeddings() {
        // {table rows, embedding width, ids}: tiny tables force many repeated ids.
        int[][] cases = {{1, 1, 1}, {1, 7, 17}, {7, 17, 33}, {127, 33, 7}, {50, 18, 4096}, {100000, 18, 4096},
                {3, 36, 20000}};
        for (int[] c : cases) {
            int rows = c[0];
            int e = c[1];
            int n = c[2];
            Twins.T table = h.rand(rows, e);
            Twins.T ids = h.ids(rows, n);
            Twins.T out = h.rand(n, e);
            h.run(be -> be.gatherRows(table.on(be), ids.on(be), out.on(be)));
            h.check(out, 0, 0, "gatherRows");
            Twins.T dTable = h.rand(rows, e);
            h.run(be -> be.scatterAddRows(out.on(be), ids.on(be), dTable.on(be)));
            // Each table row sums its gradients in order of n, in float (rounded once per add).
            h.check(dTable, 1e-6 * Math.sqrt(n), 1e-6 * Math.sqrt(n), "scatterAddRows");
        }
        // Ids as a [B, T] view of a larger tensor, gathered into a [B*T, E] output.
        Twins.T table = h.rand(40, 8);
        Twins.T idsAll = h.ids(40, 10, 6);
        Twins.T out = h.rand(24, 8);
        h.run(be -> be.gatherRows(table.on(be), idsAll.on(be).rows(3, 7), out.on(be)));
        h.check(out, 0, 0, "gatherRows of a rows() view");
        if (checksIds()) {
            Backend c = h.candidates.get(0);
            assertThatThrownBy(() -> c.gatherRows(table.on(c), c.upload(new int[] {3, 40}, 2),
                    c.zeros(c.floatType(), 2, 8)))
                    .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("40");
        }
    }

    @Test
    void sequenceEmbeddings() {
        // {item rows, category rows, E1, E2, B, T, from, to}: tiny tables give many padding ids and repeated rows.
        int[][] cases = {{2, 2, 1, 1, 1, 1, 0, 1}, {3, 2, 4, 4, 5, 7, 2, 7}, {50, 5, 16, 16, 64, 100, 0, 90},
                {100000, 300, 16, 16, 512, 100, 90, 100}, {7, 3, 8, 5, 33, 20, 5, 5}, {1000, 40, 16, 16, 2048, 100, 0, 100}};
        for (int[] c : cases) {
            int b = c[4];
            int w = c[7] - c[6];
            int from = c[6];
            int to = c[7];
            Twins.T items = h.rand(c[0], c[2]);
            Twins.T cats = h.rand(c[1], c[3]);
            Twins.T itemIds = h.ids(c[0], b, c[5]);
            Twins.T catIds = h.ids(c[1], b, c[5]);
            Twins.T out = h.rand(b, w, c[2] + c[3]);
            Twins.T mask = h.rand(b, w);
            h.run(be -> be.embedSequence(items.on(be), cats.on(be), itemIds.on(be), catIds.on(be), from, to,
                    out.on(be), mask.on(be)));
            h.check(out, 0, 0, "embedSequence");
            h.check(mask, 0, 0, "embedSequence mask");
            Twins.T dItems = h.rand(c[0], c[2]);
            Twins.T dCats = h.rand(c[1], c[3]);
            h.run(be -> be.embedSequenceBackward(out.on(be), itemIds.on(be), catIds.on(be), from, to, dItems.on(be),
                    dCats.on(be)));
            double tol = 1e-6 * Math.sqrt((double) b * w);
            h.check(dItems, tol, tol, "embedSequenceBackward items");
            h.check(dCats, tol, tol, "embedSequenceBackward categories");
        }
        // Padding rows: zero vector, mask 0, and no gradient reaches row 0 of either table.
        Backend cpu = h.candidates.get(0);
        Tensor items = cpu.upload(new float[] {9, 9, 1, 2}, 2, 2);
        Tensor cats = cpu.upload(new float[] {7, 3}, 2, 1);
        Tensor itemIds = cpu.upload(new int[] {0, 1, 1, 0}, 2, 2);
        Tensor catIds = cpu.upload(new int[] {1, 1, 0, 0}, 2, 2);
        Tensor out = cpu.zeros(cpu.floatType(), 2, 2, 3);
        Tensor mask = cpu.zeros(cpu.floatType(), 2, 2);
        cpu.embedSequence(items, cats, itemIds, catIds, 0, 2, out, mask);
        assertThat(cpu.toFloats(out)).containsExactly(0, 0, 0, 1, 2, 3, 1, 2, 7, 0, 0, 0);
        assertThat(cpu.toFloats(mask)).containsExactly(0, 1, 1, 0);
        Tensor dItems = cpu.zeros(cpu.floatType(), 2, 2);
        Tensor dCats = cpu.zeros(cpu.floatType(), 2, 1);
        cpu.embedSequenceBackward(cpu.upload(new float[] {5, 5, 5, 1, 2, 3, 4, 5, 6, 5, 5, 5}, 2, 2, 3), itemIds,
                catIds, 0, 2, dItems, dCats);
        assertThat(cpu.toFloats(dItems)).containsExactly(0, 0, 5, 7);
        assertThat(cpu.toFloats(dCats)).containsExactly(6, 3);
        if (checksIds()) {
            assertThatThrownBy(() -> cpu.embedSequence(items, cats, cpu.upload(new int[] {2, 0, 0, 0}, 2, 2), catIds,
                    0, 2, out, mask)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("item");
        }
    }

    @Test
    void attentionAndSelection() {
        for (int[] s : CUBES) {
            int b = s[0];
            int t = s[1];
            int d = s[2];
            Twins.T keys = h.rand(b, t, d);
            Twins.T query = h.rand(b, d);
            Twins.T scores = h.rand(b, t);
            h.run(be -> be.batchedDot(keys.on(be), query.on(be), scores.on(be)));
            h.check(scores, RED, 1e-6, "batchedDot");
            Twins.T dOut = h.rand(b, t);
            Twins.T dKeys = h.rand(b, t, d);
            Twins.T dQuery = h.rand(b, d);
            h.run(be -> be.batchedDotBackward(keys.on(be), query.on(be), dOut.on(be), dKeys.on(be), dQuery.on(be)));
            h.check(dKeys, ELEM, 1e-7, "batchedDotBackward dKeys");
            h.check(dQuery, RED, 1e-6, "batchedDotBackward dQuery");

            Twins.T prod = h.rand(b, t, d);
            h.run(be -> be.broadcastMul(query.on(be), keys.on(be), prod.on(be)));
            h.check(prod, ELEM, 0, "broadcastMul");
            Twins.T dProd = h.rand(b, t, d);
            Twins.T dQ = h.rand(b, d);
            Twins.T dH = h.rand(b, t, d);
            h.run(be -> be.broadcastMulBackward(query.on(be), keys.on(be), dProd.on(be), dQ.on(be), dH.on(be)));
            h.check(dQ, RED, 1e-6, "broadcastMulBackward dq");
            h.check(dH, ELEM, 1e-7, "broadcastMulBackward dh");

            Twins.T ws = h.rand(b, d);
            h.run(be -> be.weightedSum(dOut.on(be), keys.on(be), ws.on(be)));
            h.check(ws, RED, 1e-6, "weightedSum");
            Twins.T dW = h.rand(b, t);
            Twins.T dV = h.rand(b, t, d);
            h.run(be -> be.weightedSumBackward(dOut.on(be), keys.on(be), ws.on(be), dW.on(be), dV.on(be)));
            h.check(dW, RED, 1e-6, "weightedSumBackward dWeights");
            h.check(dV, ELEM, 1e-7, "weightedSumBackward dValues");

            // Mask: about 70% live, and the first row entirely masked (uniform weights).
            float[] mv = new float[b * t];
            for (int k = 0; k < mv.length; k++) {
                mv[k] = k < t ? 0f : (h.rnd.nextDouble() < 0.7 ? 1f : 0f);
            }
            Twins.T mask = h.floats(mv, b, t);
            Twins.T wide = h.uniform(-20, 20, b, t);
            Twins.T p = h.rand(b, t);
            h.run(be -> be.maskedSoftmax(wide.on(be), mask.on(be), p.on(be)));
            h.check(p, RED, 1e-7, "maskedSoftmax");
            float[] row0 = h.candidates.get(0).toFloats(p.on(h.candidates.get(0)));
            assertThat(row0[0]).isEqualTo((float) (1.0 / t));
            Twins.T dScores = h.rand(b, t);
            h.run(be -> be.maskedSoftmaxBackward(p.on(be), dOut.on(be), mask.on(be), dScores.on(be)));
            h.check(dScores, RED, 1e-6, "maskedSoftmaxBackward");

            // top-k with many ties (values from a set of 5), k = 1, half, all.
            float[] tv = new float[b * t];
            for (int k = 0; k < tv.length; k++) {
                tv[k] = h.rnd.nextInt(5) * 0.25f;
            }
            Twins.T tw = h.floats(tv, b, t);
            for (int k : new int[] {1, (t + 1) / 2, t}) {
                Twins.T idx = h.ints(new int[b * k], b, k);
                h.run(be -> be.topK(tw.on(be), k, idx.on(be)));
                h.checkInts(idx, "topK k=" + k);
                Twins.T g = h.rand(b, k, d);
                h.run(be -> be.gatherTime(keys.on(be), idx.on(be), g.on(be)));
                h.check(g, 0, 0, "gatherTime");
                Twins.T dX = h.rand(b, t, d);
                h.run(be -> be.scatterAddTime(g.on(be), idx.on(be), dX.on(be)));
                h.check(dX, ELEM, 0, "scatterAddTime");
                Twins.T gc = h.rand(b, k);
                h.run(be -> be.gatherColumns(wide.on(be), idx.on(be), gc.on(be)));
                h.check(gc, 0, 0, "gatherColumns");
            }
            Twins.T pos = h.rand(b, t);
            h.run(be -> be.positive(scores.on(be), pos.on(be)));
            h.check(pos, 0, 0, "positive");
            Twins.T ids = h.ids(3, b, t);
            h.run(be -> be.nonPadding(ids.on(be), pos.on(be)));
            h.check(pos, 0, 0, "nonPadding");
        }
        // The model's top-k: K = 50 of T = 90, continuous weights.
        Twins.T w = h.rand(2048, 90);
        Twins.T idx = h.ints(new int[2048 * 50], 2048, 50);
        h.run(be -> be.topK(w.on(be), 50, idx.on(be)));
        h.checkInts(idx, "topK 50 of 90");
    }

    /**
     * [B, T, D] shapes of the fused dot attention: awkward ones, the model's GSU and ESU, and rows too long to fuse
     * (600: the forward's staged keys exceed 48 KiB; 6,200: the backward's rows too).
     */
    static final int[][] ATTENTION = {{1, 1, 1}, {7, 17, 33}, {33, 7, 17}, {5, 33, 40}, {300, 90, 32}, {129, 50, 32},
        {3, 600, 33}, {2, 6200, 3}};

    /** A mask with about 70% live positions, the first row entirely masked (uniform weights). */
    private Twins.T liveMask(SplittableRandom rnd, int b, int t) {
        float[] mv = new float[b * t];
        for (int k = 0; k < mv.length; k++) {
            mv[k] = k < t ? 0f : (rnd.nextDouble() < 0.7 ? 1f : 0f);
        }
        return h.floats(mv, b, t);
    }

    @Test
    void fusedDotAttention() {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int[] s : ATTENTION) {
            int b = s[0];
            int t = s[1];
            int d = s[2];
            String at = " " + b + "x" + t + "x" + d;
            Twins.T keys = h.rand(b, t, d);
            Twins.T query = h.uniform(-3, 3, b, d);
            Twins.T mask = liveMask(rnd, b, t);
            Twins.T scores = h.poisoned(b, t);
            Twins.T weights = h.poisoned(b, t);
            Twins.T out = h.poisoned(b, d);
            h.run(be -> be.dotAttention(keys.on(be), query.on(be), mask.on(be), scores.on(be), weights.on(be),
                    out.on(be)));
            h.check(scores, RED, 1e-6, "dotAttention scores" + at);
            h.check(weights, RED, 1e-7, "dotAttention weights" + at);
            h.check(out, RED, 1e-6, "dotAttention out" + at);
            Twins.T dOut = h.rand(b, d);
            Twins.T dWeights = h.poisoned(b, t);
            Twins.T dScores = h.poisoned(b, t);
            Twins.T dKeys = h.rand(b, t, d);
            Twins.T dQuery = h.rand(b, d);
            h.run(be -> be.dotAttentionBackward(keys.on(be), query.on(be), mask.on(be), weights.on(be), dOut.on(be),
                    dWeights.on(be), dScores.on(be), dKeys.on(be), dQuery.on(be)));
            h.check(dWeights, RED, 1e-6, "dotAttentionBackward dWeights" + at);
            h.check(dScores, RED, 1e-6, "dotAttentionBackward dScores" + at);
            h.check(dKeys, RED, 1e-6, "dotAttentionBackward dKeys" + at);
            h.check(dQuery, RED, 1e-6, "dotAttentionBackward dQuery" + at);
        }
    }

    /** The fused dot attention against the three ops it fuses, on the same candidate, bit for bit (models use it). */
    @Test
    void fusedDotAttentionEqualsItsCompositionBitForBit() {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int[] s : ATTENTION) {
            int b = s[0];
            int t = s[1];
            int d = s[2];
            Twins.T keys = h.rand(b, t, d);
            Twins.T query = h.uniform(-3, 3, b, d);
            Twins.T mask = liveMask(rnd, b, t);
            Twins.T dOut = h.rand(b, d);
            float[] dk = values(rnd, b * t * d, 1);
            float[] dq = values(rnd, b * d, 1);
            Twins.T[] fused = {h.poisoned(b, t), h.poisoned(b, t), h.poisoned(b, d), h.poisoned(b, t),
                h.poisoned(b, t), h.floats(dk, b, t, d), h.floats(dq, b, d)};
            Twins.T[] composed = {h.poisoned(b, t), h.poisoned(b, t), h.poisoned(b, d), h.poisoned(b, t),
                h.poisoned(b, t), h.floats(dk, b, t, d), h.floats(dq, b, d)};
            String[] names = {"scores", "weights", "out", "dWeights", "dScores", "dKeys", "dQuery"};
            for (Backend be : h.candidates) {
                Twins.T[] f = fused;
                be.dotAttention(keys.on(be), query.on(be), mask.on(be), f[0].on(be), f[1].on(be), f[2].on(be));
                be.dotAttentionBackward(keys.on(be), query.on(be), mask.on(be), f[1].on(be), dOut.on(be),
                        f[3].on(be), f[4].on(be), f[5].on(be), f[6].on(be));
                Twins.T[] c = composed;
                be.batchedDot(keys.on(be), query.on(be), c[0].on(be));
                be.maskedSoftmax(c[0].on(be), mask.on(be), c[1].on(be));
                be.weightedSum(c[1].on(be), keys.on(be), c[2].on(be));
                be.weightedSumBackward(c[1].on(be), keys.on(be), dOut.on(be), c[3].on(be), c[5].on(be));
                be.maskedSoftmaxBackward(c[1].on(be), c[3].on(be), mask.on(be), c[4].on(be));
                be.batchedDotBackward(keys.on(be), query.on(be), c[4].on(be), c[5].on(be), c[6].on(be));
                for (int k = 0; k < names.length; k++) {
                    sameBits(be, fused[k], composed[k], "dotAttention " + names[k] + " " + b + "x" + t + "x" + d
                            + " on " + be.name());
                }
            }
        }
    }

    @Test
    void topKTiesTakeTheLowerPositionFirst() {
        Backend cpu = h.candidates.getLast();
        Tensor w = cpu.upload(new float[] {1, 3, 3, 0, 3, -0f, 0f, Float.NaN}, 1, 8);
        Tensor idx = cpu.zeros(DType.I32, 1, 8);
        cpu.topK(w, 8, idx);
        // NaN sorts above everything (as Double.compare, the reference's order); equal 0s by position; -0 below +0.
        assertThat(cpu.toInts(idx)).containsExactly(7, 1, 2, 4, 0, 3, 6, 5);
        Tensor idx2 = cpu.zeros(DType.I32, 1, 3);
        cpu.topK(w, 3, idx2);
        assertThat(cpu.toInts(idx2)).containsExactly(7, 1, 2);
    }

    @Test
    void recurrentCells() {
        for (int[] s : MATS) {
            int b = s[0];
            int hh = s[1];
            Twins.T gx = h.uniform(-3, 3, b, 3 * hh);
            Twins.T gh = h.uniform(-3, 3, b, 3 * hh);
            Twins.T hPrev = h.rand(b, hh);
            Twins.T hOut = h.rand(b, hh);
            Twins.T cache = h.rand(b, 3 * hh);
            h.run(be -> be.gruCell(gx.on(be), gh.on(be), hPrev.on(be), hOut.on(be), cache.on(be)));
            // The cell computes in float (Vector API sigmoid and tanh, a few ulps): the candidate's pre-activation
            // x_n + r (h U_n) cancels, so r's float error times |h U_n| (up to 3 here, about 4e-7) becomes an
            // absolute error of n, and of h' through (1 - z) n. Hence an absolute tolerance of 1e-6 of the largest
            // output rather than 1e-7 (which held while the cell ran in double).
            h.check(hOut, RED, 1e-6, "gruCell h");
            h.check(cache, ELEM, 1e-6, "gruCell cache");
            Twins.T dh = h.rand(b, hh);
            Twins.T dgx = h.rand(b, 3 * hh);
            Twins.T dgh = h.rand(b, 3 * hh);
            Twins.T dhPrev = h.rand(b, hh);
            // The backward gets the same gate values (z, r, n in (0, 1)) on every backend, not each backend's own
            // forward cache, so its check measures the backward alone.
            Twins.T gates = h.uniform(0, 1, b, 3 * hh);
            h.run(be -> be.gruCellBackward(gh.on(be), hPrev.on(be), gates.on(be), dh.on(be), dgx.on(be),
                    dgh.on(be), dhPrev.on(be)));
            h.check(dgx, RED, 1e-7, "gruCellBackward dgx");
            h.check(dgh, RED, 1e-7, "gruCellBackward dgh");
            h.check(dhPrev, ELEM, 0, "gruCellBackward dhPrev");

            Twins.T u = h.uniform(0, 1, b, hh);
            Twins.T c = h.rand(b, hh);
            Twins.T a = h.uniform(0, 1, b);
            for (boolean paper : new boolean[] {false, true}) {
                Twins.T out = h.rand(b, hh);
                h.run(be -> be.augruUpdate(u.on(be), c.on(be), hPrev.on(be), a.on(be), out.on(be), paper));
                h.check(out, RED, 1e-7, "augruUpdate paper=" + paper);
                Twins.T du = h.rand(b, hh);
                Twins.T dc = h.rand(b, hh);
                Twins.T ds = h.rand(b, hh);
                Twins.T da = h.rand(b);
                h.run(be -> be.augruUpdateBackward(u.on(be), c.on(be), hPrev.on(be), a.on(be), dh.on(be), du.on(be),
                        dc.on(be), ds.on(be), da.on(be), paper));
                h.check(du, RED, 1e-7, "augruUpdateBackward du");
                h.check(dc, RED, 1e-7, "augruUpdateBackward dc");
                h.check(ds, RED, 1e-7, "augruUpdateBackward ds");
                h.check(da, RED, 1e-6, "augruUpdateBackward da");
            }
        }
        for (int[] s : CUBES) {
            Twins.T q = h.rand(s[0], s[2]);
            Twins.T hs = h.rand(s);
            Twins.T out = h.rand(s[0], s[1], 4 * s[2]);
            h.run(be -> be.attentionFeatures(q.on(be), hs.on(be), out.on(be)));
            h.check(out, ELEM, 0, "attentionFeatures");
            Twins.T dq = h.rand(s[0], s[2]);
            Twins.T dh = h.rand(s);
            h.run(be -> be.attentionFeaturesBackward(q.on(be), hs.on(be), out.on(be), dq.on(be), dh.on(be)));
            h.check(dq, RED, 1e-6, "attentionFeaturesBackward dq");
            h.check(dh, RED, 1e-7, "attentionFeaturesBackward dh");
        }
    }

    /**
     * The fused GRU and AUGRU steps (Backend's defaults compose the family ops) against the F64 reference, outputs
     * NaN-poisoned except where they accumulate; both AUGRU forms.
     */
    @Test
    void fusedRecurrentSteps() {
        for (int[] s : MATS) {
            int b = s[0];
            int hh = s[1];
            Twins.T gx = h.uniform(-3, 3, b, 3 * hh);
            Twins.T gh = h.uniform(-3, 3, b, 3 * hh);
            Twins.T bRec = h.rand(3 * hh);
            Twins.T hPrev = h.rand(b, hh);
            Twins.T hOut = h.poisoned(b, hh);
            Twins.T cache = h.poisoned(b, 3 * hh);
            h.run(be -> be.gruStep(gx.on(be), gh.on(be), bRec.on(be), hPrev.on(be), hOut.on(be), cache.on(be)));
            h.check(gh, ELEM, 0, "gruStep gh + bias");
            // As recurrentCells: the candidate's cancellation turns float gate errors into absolute ones.
            h.check(hOut, RED, 1e-6, "gruStep h");
            h.check(cache, ELEM, 1e-6, "gruStep cache");
            Twins.T dh = h.rand(b, hh);
            Twins.T carry = h.rand(b, hh);
            Twins.T gates = h.uniform(0, 1, b, 3 * hh);
            Twins.T dhStep = h.poisoned(b, hh);
            Twins.T dgx = h.poisoned(b, 3 * hh);
            Twins.T dgh = h.poisoned(b, 3 * hh);
            Twins.T dhPrev = h.poisoned(b, hh);
            h.run(be -> be.gruStepBackward(dh.on(be), carry.on(be), gh.on(be), hPrev.on(be), gates.on(be),
                    dhStep.on(be), dgx.on(be), dgh.on(be), dhPrev.on(be)));
            h.check(dhStep, ELEM, 0, "gruStepBackward dhStep");
            h.check(dgx, RED, 1e-7, "gruStepBackward dgx");
            h.check(dgh, RED, 1e-7, "gruStepBackward dgh");
            h.check(dhPrev, ELEM, 1e-7, "gruStepBackward dhPrev");

            Twins.T gp = h.uniform(-8, 8, b, 2 * hh);
            Twins.T g = h.poisoned(b, 2 * hh);
            Twins.T r = h.poisoned(b, hh);
            Twins.T u = h.poisoned(b, hh);
            Twins.T rs = h.poisoned(b, hh);
            h.run(be -> be.augruGates(gp.on(be), hPrev.on(be), g.on(be), r.on(be), u.on(be), rs.on(be)));
            h.check(g, ELEM, 1e-7, "augruGates g");
            h.check(r, ELEM, 1e-7, "augruGates r");
            h.check(u, ELEM, 1e-7, "augruGates u");
            h.check(rs, ELEM, 1e-7, "augruGates rs");
            Twins.T a = h.uniform(0, 1, b);
            Twins.T cp = h.uniform(-3, 3, b, hh);
            for (boolean paper : new boolean[] {false, true}) {
                Twins.T c = h.poisoned(b, hh);
                Twins.T out = h.poisoned(b, hh);
                h.run(be -> be.augruCandidateUpdate(cp.on(be), u.on(be), hPrev.on(be), a.on(be), c.on(be),
                        out.on(be), paper));
                h.check(c, ELEM, 1e-7, "augruCandidateUpdate c paper=" + paper);
                h.check(out, RED, 1e-7, "augruCandidateUpdate out paper=" + paper);
                // The backwards get the same inputs on every backend (not each one's forward outputs), so their
                // checks measure the backwards alone.
                Twins.T uIn = h.uniform(0, 1, b, hh);
                Twins.T cIn = h.uniform(-1, 1, b, hh);
                Twins.T gIn = h.uniform(0, 1, b, 2 * hh);
                Twins.T rIn = h.uniform(0, 1, b, hh);
                Twins.T duIn = h.rand(b, hh);
                Twins.T ds = h.rand(b, hh);
                Twins.T du = h.poisoned(b, hh);
                Twins.T dc = h.poisoned(b, hh);
                Twins.T da = h.poisoned(b);
                Twins.T dcp = h.poisoned(b, hh);
                Twins.T dsPrev = h.poisoned(b, hh);
                h.run(be -> be.augruCandidateUpdateBackward(uIn.on(be), cIn.on(be), hPrev.on(be), a.on(be), ds.on(be),
                        du.on(be), dc.on(be), da.on(be), dcp.on(be), dsPrev.on(be), paper));
                h.check(du, RED, 1e-7, "augruCandidateUpdateBackward du");
                h.check(dc, RED, 1e-7, "augruCandidateUpdateBackward dc");
                h.check(da, RED, 1e-6, "augruCandidateUpdateBackward da");
                h.check(dcp, RED, 1e-7, "augruCandidateUpdateBackward dcp");
                h.check(dsPrev, RED, 1e-7, "augruCandidateUpdateBackward dsPrev");
                Twins.T drs = h.rand(b, hh);
                Twins.T dsAcc = h.rand(b, hh);
                Twins.T dgp = h.poisoned(b, 2 * hh);
                h.run(be -> be.augruGatesBackward(drs.on(be), hPrev.on(be), rIn.on(be), duIn.on(be), gIn.on(be),
                        dgp.on(be), dsAcc.on(be)));
                h.check(dgp, RED, 1e-7, "augruGatesBackward dgp");
                h.check(dsAcc, RED, 1e-7, "augruGatesBackward dsPrev");
            }
        }
    }

    /**
     * Each fused recurrent step against the ops it fuses, on the same candidate, raw bits: a model gets the same
     * numbers whichever a backend runs.
     */
    @Test
    void fusedRecurrentStepsEqualTheirCompositionBitForBit() {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int[] s : MATS) {
            int b = s[0];
            int hh = s[1];
            float[] ghs = values(rnd, b * 3 * hh, 3);
            float[] dsv = values(rnd, b * hh, 1);
            Twins.T gx = h.uniform(-3, 3, b, 3 * hh);
            Twins.T bRec = h.rand(3 * hh);
            Twins.T hPrev = h.rand(b, hh);
            Twins.T dh = h.rand(b, hh);
            Twins.T carry = h.rand(b, hh);
            Twins.T gp = h.uniform(-8, 8, b, 2 * hh);
            Twins.T cp = h.uniform(-3, 3, b, hh);
            Twins.T a = h.uniform(0, 1, b);
            Twins.T ds = h.rand(b, hh);
            Twins.T drs = h.rand(b, hh);
            Twins.T ghA = h.floats(ghs, b, 3 * hh);
            Twins.T ghB = h.floats(ghs, b, 3 * hh);
            Twins.T dcpA = h.poisoned(b, hh);
            Twins.T dcpB = h.poisoned(b, hh);
            Twins.T[] fused = new Twins.T[17];
            Twins.T[] composed = new Twins.T[17];
            int[][] shapes = {{b, hh}, {b, 3 * hh}, {b, hh}, {b, 3 * hh}, {b, 3 * hh}, {b, hh}, {b, 2 * hh},
                {b, hh}, {b, hh}, {b, hh}, {b, hh}, {b, hh}, {b, hh}, {b, hh}, {b}, {b, hh}, {b, 2 * hh}};
            for (int k = 0; k < fused.length; k++) {
                fused[k] = k == 15 ? h.floats(dsv, shapes[k]) : h.poisoned(shapes[k]);
                composed[k] = k == 15 ? h.floats(dsv, shapes[k]) : h.poisoned(shapes[k]);
            }
            for (Backend be : h.candidates) {
                String at = " " + b + "x" + hh + " on " + be.name();
                List<Tensor> f = java.util.Arrays.stream(fused).map(t -> t.on(be)).toList();
                List<Tensor> c = java.util.Arrays.stream(composed).map(t -> t.on(be)).toList();
                // 0 hOut, 1 cache, 2 dhStep, 3 dgx, 4 dgh, 5 dhPrev, 6 g, 7 r, 8 u, 9 rs, 10 c, 11 out, 12 du,
                // 13 dc, 14 da, 15 dsPrev (pre-filled: the gates' backward accumulates), 16 dgp
                be.gruStep(gx.on(be), ghA.on(be), bRec.on(be), hPrev.on(be), f.get(0), f.get(1));
                be.addRowVector(ghB.on(be), bRec.on(be));
                be.gruCell(gx.on(be), ghB.on(be), hPrev.on(be), c.get(0), c.get(1));
                be.gruStepBackward(dh.on(be), carry.on(be), ghA.on(be), hPrev.on(be), f.get(1), f.get(2), f.get(3),
                        f.get(4), f.get(5));
                be.add(dh.on(be), carry.on(be), c.get(2));
                be.gruCellBackward(ghB.on(be), hPrev.on(be), c.get(1), c.get(2), c.get(3), c.get(4), c.get(5));
                be.augruGates(gp.on(be), hPrev.on(be), f.get(6), f.get(7), f.get(8), f.get(9));
                be.sigmoid(gp.on(be), c.get(6));
                be.splitColumns(c.get(6), List.of(c.get(7), c.get(8)), false);
                be.mul(c.get(7), hPrev.on(be), c.get(9));
                for (int k = 0; k <= 9; k++) {
                    sameBits(be, fused[k], composed[k], "fused recurrent output " + k + at);
                }
                sameBits(be, ghA, ghB, "gruStep gh" + at);
                for (boolean paper : new boolean[] {false, true}) {
                    String form = " paper=" + paper + at;
                    be.augruCandidateUpdate(cp.on(be), f.get(8), hPrev.on(be), a.on(be), f.get(10), f.get(11), paper);
                    be.tanh(cp.on(be), c.get(10));
                    be.augruUpdate(c.get(8), c.get(10), hPrev.on(be), a.on(be), c.get(11), paper);
                    be.augruCandidateUpdateBackward(f.get(8), f.get(10), hPrev.on(be), a.on(be), ds.on(be), f.get(12),
                            f.get(13), f.get(14), dcpA.on(be), f.get(15), paper);
                    be.fill(c.get(15), 0);
                    be.augruUpdateBackward(c.get(8), c.get(10), hPrev.on(be), a.on(be), ds.on(be), c.get(12),
                            c.get(13), c.get(15), c.get(14), paper);
                    be.tanhBackward(c.get(10), c.get(13), dcpB.on(be));
                    sameBits(be, dcpA, dcpB, "augruCandidateUpdateBackward dcp" + form);
                    be.augruGatesBackward(drs.on(be), hPrev.on(be), f.get(7), f.get(12), f.get(6), f.get(16),
                            f.get(15));
                    Tensor dr = be.zeros(be.floatType(), b, hh);
                    Tensor dsFromR = be.zeros(be.floatType(), b, hh);
                    Tensor dg = be.zeros(be.floatType(), b, 2 * hh);
                    be.mul(drs.on(be), hPrev.on(be), dr);
                    be.mul(drs.on(be), c.get(7), dsFromR);
                    be.axpy(1, dsFromR, c.get(15));
                    be.concatColumns(List.of(dr, c.get(12)), dg);
                    be.sigmoidBackward(c.get(6), dg, c.get(16));
                    for (int k = 10; k < fused.length; k++) {
                        sameBits(be, fused[k], composed[k], "fused recurrent output " + k + form);
                    }
                }
            }
        }
    }

    @Test
    void lossesAndSum() {
        for (int n : new int[] {1, 7, 17, 33, 127, 2048, 18432}) {
            Twins.T logits = h.uniform(-30, 30, n);
            Twins.T labels = h.mask(0.5, n);
            Twins.T dLogits = h.poisoned(n);
            // Losses into one element of a [3] tensor: overwritten (NaN before), then accumulated with a weight.
            Twins.T loss = h.floats(new float[] {Float.NaN, 0.25f, Float.NaN}, 3);
            h.run(be -> be.binaryCrossEntropy(logits.on(be), labels.on(be), dLogits.on(be), 2.0,
                    loss.on(be).rows(0, 1), 0.75, false));
            h.check(dLogits, ELEM, 1e-9, "bce gradient");
            h.run(be -> be.binaryCrossEntropy(logits.on(be), labels.on(be), dLogits.on(be), 2.0,
                    loss.on(be).rows(1, 2), 0.5, true));
            Twins.T click = h.uniform(-8, 8, n);
            Twins.T noClick = h.uniform(-8, 8, n);
            Twins.T mask = h.mask(0.8, n);
            Twins.T dc = h.poisoned(n);
            Twins.T dn = h.poisoned(n);
            h.run(be -> be.auxiliaryLoss(click.on(be), noClick.on(be), mask.on(be), dc.on(be), dn.on(be), 0.5,
                    loss.on(be).rows(2, 3), 1.0, false));
            h.check(dc, ELEM, 1e-9, "auxiliaryLoss dClick");
            h.check(dn, ELEM, 1e-9, "auxiliaryLoss dNoClick");
            h.check(loss, 1e-6, 1e-7, "bce and auxiliary losses, weighted and accumulated");
            // The weight and accumulate flags, against the unweighted mean of the reference.
            double[] l = h.ref.toDoubles(loss.on(h.ref));
            Twins.T plain = h.poisoned(1);
            h.run(be -> be.binaryCrossEntropy(logits.on(be), labels.on(be), dLogits.on(be), 1.0, plain.on(be), 1.0,
                    false));
            double mean = h.ref.toDoubles(plain.on(h.ref))[0];
            assertThat(l[0]).isCloseTo(0.75 * mean, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(l[1]).isCloseTo(0.25 + 0.5 * mean, org.assertj.core.data.Offset.offset(1e-12));
            Twins.T total = h.poisoned(1);
            h.run(be -> be.sum(logits.on(be), total.on(be)));
            h.check(total, 1e-6, 1e-7, "sum");
        }
    }

    /** Bits of every candidate's view of {@code t}, one array per candidate. */
    private List<float[]> bits(Twins.T t) {
        return h.candidates.stream().map(c -> c.toFloats(t.on(c))).toList();
    }

    private void sameAsBefore(Twins.T t, List<float[]> before, String what) {
        for (int k = 0; k < h.candidates.size(); k++) {
            Backend c = h.candidates.get(k);
            assertThat(c.toFloats(t.on(c))).as(what + " on " + c.name()).containsExactly(before.get(k));
        }
    }

    @Test
    void lossGradientsTimesAPowerOfTwoScaleAreTheUnscaledOnesTimesTheScaleExactly() {
        for (int n : new int[] {1, 17, 2048}) {
            Twins.T logits = h.uniform(-30, 30, n);
            Twins.T labels = h.mask(0.5, n);
            Twins.T click = h.uniform(-8, 8, n);
            Twins.T noClick = h.uniform(-8, 8, n);
            Twins.T mask = h.mask(0.8, n);
            Twins.T scale = h.floats(new float[] {1024f}, 1);
            Twins.T[] plain = {h.poisoned(n), h.poisoned(n), h.poisoned(n)};
            Twins.T[] scaled = {h.poisoned(n), h.poisoned(n), h.poisoned(n)};
            Twins.T lossPlain = h.poisoned(2);
            Twins.T lossScaled = h.poisoned(2);
            h.run(be -> {
                be.binaryCrossEntropy(logits.on(be), labels.on(be), plain[0].on(be), 0.5, lossPlain.on(be).rows(0, 1),
                        1.0, false);
                be.binaryCrossEntropy(logits.on(be), labels.on(be), scaled[0].on(be), 0.5, scale.on(be),
                        lossScaled.on(be).rows(0, 1), 1.0, false);
                be.auxiliaryLoss(click.on(be), noClick.on(be), mask.on(be), plain[1].on(be), plain[2].on(be), 1.0,
                        lossPlain.on(be).rows(1, 2), 1.0, false);
                be.auxiliaryLoss(click.on(be), noClick.on(be), mask.on(be), scaled[1].on(be), scaled[2].on(be), 1.0,
                        scale.on(be), lossScaled.on(be).rows(1, 2), 1.0, false);
            });
            for (int g = 0; g < 3; g++) {
                h.check(scaled[g], ELEM, 1e-9, "scaled loss gradient " + g);
                for (Backend be : h.all) {
                    double[] a = be.toDoubles(plain[g].on(be));
                    double[] b = be.toDoubles(scaled[g].on(be));
                    for (int i = 0; i < n; i++) {
                        assertThat(b[i]).as("gradient %d element %d on %s", g, i, be.name()).isEqualTo(a[i] * 1024);
                    }
                }
            }
            // The losses themselves are not scaled.
            for (Backend be : h.all) {
                assertThat(be.toDoubles(lossScaled.on(be))).containsExactly(be.toDoubles(lossPlain.on(be)));
            }
        }
    }

    @Test
    void unscalingDividesByTheScaleAndFlagsAnyNonFiniteGradient() {
        for (int[] s : MATS) {
            Twins.T g = h.rand(s);
            List<double[]> raw = h.all.stream().map(be -> be.toDoubles(g.on(be))).toList();
            Twins.T scale = h.floats(new float[] {32768f}, 1);
            Twins.T finite = h.ints(new int[] {1}, 1);
            h.run(be -> be.unscaleGradients(g.on(be), scale.on(be), finite.on(be)));
            h.check(g, 0, 0, "unscaleGradients " + s[0] + "x" + s[1]);
            h.checkInts(finite, "unscaleGradients flag");
            assertThat(h.ref.toInts(finite.on(h.ref))).containsExactly(1);
            for (int b = 0; b < h.all.size(); b++) {
                double[] after = h.all.get(b).toDoubles(g.on(h.all.get(b)));
                for (int i = 0; i < after.length; i++) {
                    assertThat(after[i]).isEqualTo((double) ((float) raw.get(b)[i] / 32768f));
                }
            }
            // One infinite or NaN element anywhere (the last, the first) clears the flag; a cleared flag stays clear.
            int last = Twins.size(s) - 1;
            for (float bad : new float[] {Float.POSITIVE_INFINITY, Float.NaN}) {
                float[] v = new float[Twins.size(s)];
                v[bad == Float.POSITIVE_INFINITY ? last : 0] = bad;
                Twins.T withBad = h.floats(v, s);
                Twins.T flag = h.ints(new int[] {1}, 1);
                h.run(be -> be.unscaleGradients(withBad.on(be), scale.on(be), flag.on(be)));
                h.checkInts(flag, "unscaleGradients flag with " + bad);
                assertThat(h.ref.toInts(flag.on(h.ref))).containsExactly(0);
                h.run(be -> be.unscaleGradients(g.on(be), scale.on(be), flag.on(be)));
                assertThat(h.ref.toInts(flag.on(h.ref))).containsExactly(0);
                h.checkInts(flag, "a cleared flag stays clear");
            }
        }
    }

    @Test
    void gatedUpdatesLeaveEverythingUntouchedWhenTheFlagIsClear() {
        int r = 33;
        int e = 7;
        Twins.T p = h.rand(r, e);
        Twins.T g = h.rand(r, e);
        Twins.T m = h.rand(r, e);
        Twins.T v = h.uniform(0, 1, r, e);
        Twins.T t = h.ints(new int[] {4}, 1);
        Twins.T rows = h.ints(new int[] {0, 3, 9, 32}, 4);
        Twins.T count = h.ints(new int[] {4}, 1);
        Twins.T skip = h.ints(new int[] {0}, 1);
        Twins.T apply = h.ints(new int[] {1}, 1);
        List<float[]> p0 = bits(p);
        List<float[]> m0 = bits(m);
        List<float[]> v0 = bits(v);
        h.run(be -> {
            be.increment(t.on(be), skip.on(be));
            be.adamUpdate(p.on(be), g.on(be), m.on(be), v.on(be), 0.01, 0.9, 0.999, 1e-7, 0.05, t.on(be),
                    skip.on(be));
            be.adamUpdateRows(p.on(be), g.on(be), m.on(be), v.on(be), rows.on(be), count.on(be), 0.01, 0.9, 0.999,
                    1e-7, 0.05, t.on(be), skip.on(be));
            be.sgdUpdate(p.on(be), g.on(be), 0.3, 0.05, skip.on(be));
        });
        assertThat(h.ref.toInts(t.on(h.ref))).containsExactly(4);
        h.checkInts(t, "skipped increment");
        sameAsBefore(p, p0, "parameters after skipped updates");
        sameAsBefore(m, m0, "first moments after a skipped update");
        sameAsBefore(v, v0, "second moments after a skipped update");
        // A set flag gives the ungated updates bit for bit.
        Twins.T q = h.floats(h.ref.toFloats(p.on(h.ref)), r, e);
        Twins.T mq = h.floats(h.ref.toFloats(m.on(h.ref)), r, e);
        Twins.T vq = h.floats(h.ref.toFloats(v.on(h.ref)), r, e);
        Twins.T tq = h.ints(new int[] {4}, 1);
        h.run(be -> {
            be.increment(t.on(be), apply.on(be));
            be.increment(tq.on(be));
            be.adamUpdate(p.on(be), g.on(be), m.on(be), v.on(be), 0.01, 0.9, 0.999, 1e-7, 0.05, t.on(be),
                    apply.on(be));
            be.adamUpdate(q.on(be), g.on(be), mq.on(be), vq.on(be), 0.01, 0.9, 0.999, 1e-7, 0.05, tq.on(be));
            be.adamUpdateRows(p.on(be), g.on(be), m.on(be), v.on(be), rows.on(be), count.on(be), 0.01, 0.9, 0.999,
                    1e-7, 0.05, t.on(be), apply.on(be));
            be.adamUpdateRows(q.on(be), g.on(be), mq.on(be), vq.on(be), rows.on(be), count.on(be), 0.01, 0.9, 0.999,
                    1e-7, 0.05, tq.on(be));
            be.sgdUpdate(p.on(be), g.on(be), 0.3, 0.05, apply.on(be));
            be.sgdUpdate(q.on(be), g.on(be), 0.3, 0.05);
        });
        assertThat(h.ref.toInts(t.on(h.ref))).containsExactly(5);
        h.check(p, ELEM, 1e-6, "gated updates with the flag set");
        sameAsBefore(p, bits(q), "gated updates with the flag set against ungated ones");
        sameAsBefore(m, bits(mq), "gated first moments against ungated ones");
        sameAsBefore(v, bits(vq), "gated second moments against ungated ones");
    }

    @Test
    void theLossScaleGrowsAfterEnoughFiniteStepsAndHalvesOnAnOverflow() {
        Twins.T scale = h.floats(new float[] {8f}, 1);
        Twins.T good = h.floats(new float[] {0f}, 1);
        Twins.T finite = h.ints(new int[] {1}, 1);
        // growth every 3 finite steps: 8 (1), 8 (2), 16 (0); overflow: 8 (0); finite: 8 (1); overflow x 4: 4 2 1 1.
        int[] flags = {1, 1, 1, 0, 1, 0, 0, 0, 0};
        float[] scales = {8, 8, 16, 8, 8, 4, 2, 1, 1};
        float[] counts = {1, 2, 0, 0, 1, 0, 0, 0, 0};
        for (int i = 0; i < flags.length; i++) {
            int flag = flags[i];
            for (Backend be : h.all) {
                be.write(finite.on(be), new int[] {flag});
            }
            h.run(be -> be.updateLossScale(scale.on(be), good.on(be), finite.on(be), 3));
            h.check(scale, 0, 0, "loss scale after update " + (i + 1));
            h.check(good, 0, 0, "good steps after update " + (i + 1));
            h.checkInts(finite, "flag after update " + (i + 1));
            assertThat(h.ref.toDoubles(scale.on(h.ref))).as("scale after update " + (i + 1)).containsExactly(scales[i]);
            assertThat(h.ref.toDoubles(good.on(h.ref))).as("count after update " + (i + 1)).containsExactly(counts[i]);
            assertThat(h.ref.toInts(finite.on(h.ref))).as("the flag is set again").containsExactly(1);
        }
        // A scale whose double is not finite stays.
        Twins.T top = h.floats(new float[] {0x1p127f}, 1);
        Twins.T almost = h.floats(new float[] {2f}, 1);
        h.run(be -> be.updateLossScale(top.on(be), almost.on(be), finite.on(be), 3));
        assertThat(h.ref.toDoubles(top.on(h.ref))).containsExactly(0x1p127);
        assertThat(h.ref.toDoubles(almost.on(h.ref))).containsExactly(0);
        h.check(top, 0, 0, "largest scale");
    }

    @Test
    void adamHandPicked() {
        // Zero moments, step 1: m = 0.1 g, v = 0.001 g^2, lr_t = lr sqrt(0.001) / 0.1, so each element moves by
        // lr * g / (|g| + eps / sqrt(0.001)): about -lr sign(g), and 0 where g = 0.
        Twins.T p = h.floats(new float[] {1f, -2f, 0.5f, 3f}, 4);
        Twins.T g = h.floats(new float[] {0.5f, -1f, 0f, 2f}, 4);
        Twins.T m = h.constant(0f, 4);
        Twins.T v = h.constant(0f, 4);
        Twins.T one = h.ints(new int[] {1}, 1);
        h.run(be -> be.adamUpdate(p.on(be), g.on(be), m.on(be), v.on(be), 0.01, 0.9, 0.999, 1e-7, 0, one.on(be)));
        h.check(p, ELEM, 0, "adamUpdate hand-picked");
        h.check(m, ELEM, 0, "adamUpdate hand-picked m");
        h.check(v, ELEM, 0, "adamUpdate hand-picked v");
        double shift = 1e-7 / Math.sqrt(0.001);
        assertThat(h.ref.toDoubles(p.on(h.ref))).containsExactly(new double[] {
                1 - 0.01 * 0.5 / (0.5 + shift), -2 + 0.01 * 1 / (1 + shift), 0.5, 3 - 0.01 * 2 / (2 + shift)},
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(h.ref.toDoubles(m.on(h.ref))).containsExactly(new double[] {0.05, -0.1, 0, 0.2},
                org.assertj.core.data.Offset.offset(1e-15));
        assertThat(h.ref.toDoubles(v.on(h.ref))).containsExactly(new double[] {0.00025, 0.001, 0, 0.004},
                org.assertj.core.data.Offset.offset(1e-15));
        // SGD with decoupled weight decay: (1 - 0.1 * 0.5) p - 0.1 g.
        Twins.T q = h.floats(new float[] {1f, -2f, 0.5f}, 3);
        Twins.T gq = h.floats(new float[] {0.5f, -1f, 0f}, 3);
        h.run(be -> be.sgdUpdate(q.on(be), gq.on(be), 0.1, 0.5));
        h.check(q, ELEM, 0, "sgdUpdate hand-picked");
        assertThat(h.ref.toDoubles(q.on(h.ref))).containsExactly(new double[] {0.9, -1.8, 0.475},
                org.assertj.core.data.Offset.offset(1e-12));
        // Distinct sorted ids over several tensors (views at offsets), padding 0 included.
        Twins.T a = h.ints(new int[] {5, 0, 5, 9, 2}, 5);
        Twins.T b = h.ints(new int[] {2, 2, 7}, 3);
        Twins.T out = h.ints(new int[] {-1, -1, -1, -1, -1, -1, -1, -1}, 8);
        Twins.T count = h.ints(new int[] {-5}, 1);
        h.run(be -> be.uniqueRows(List.of(a.on(be), b.on(be)), 10, out.on(be), count.on(be)));
        assertThat(h.ref.toInts(out.on(h.ref))).containsExactly(0, 2, 5, 7, 9, -1, -1, -1);
        assertThat(h.ref.toInts(count.on(h.ref))).containsExactly(5);
        h.checkInts(out, "uniqueRows");
        h.checkInts(count, "uniqueRows count");
        if (checksIds()) {
            Backend c = h.candidates.get(0);
            assertThatThrownBy(() -> c.uniqueRows(List.of(a.on(c)), 9, out.on(c), count.on(c)))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            Tensor bad = c.upload(new int[] {3, 1}, 2);
            Tensor two = c.upload(new int[] {2}, 1);
            assertThatThrownBy(() -> c.adamUpdateRows(p.on(c).reshape(2, 2), g.on(c).reshape(2, 2),
                    m.on(c).reshape(2, 2), v.on(c).reshape(2, 2), bad, two, 0.01, 0.9, 0.999, 1e-7, 0, one.on(c)))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void optimizerUpdates() {
        for (int[] s : MATS) {
            int r = s[0];
            int e = s[1];
            for (int step : new int[] {1, 7, 1000}) {
                for (double wd : new double[] {0, 0.05}) {
                    String what = " " + r + "x" + e + " step " + step + " wd " + wd;
                    Twins.T p = h.rand(r, e);
                    Twins.T g = h.rand(r, e);
                    Twins.T m = h.rand(r, e);
                    Twins.T v = h.uniform(0, 1, r, e);
                    // The step as the optimizer keeps it: a device counter, advanced by increment.
                    Twins.T t = h.ints(new int[] {step - 1}, 1);
                    h.run(be -> be.increment(t.on(be)));
                    h.checkInts(t, "increment");
                    assertThat(h.ref.toInts(t.on(h.ref))).containsExactly(step);
                    h.run(be -> be.adamUpdate(p.on(be), g.on(be), m.on(be), v.on(be), 0.01, 0.9, 0.999, 1e-7, wd,
                            t.on(be)));
                    h.check(p, ELEM, 1e-6, "adamUpdate" + what);
                    h.check(m, ELEM, 1e-7, "adamUpdate m" + what);
                    h.check(v, ELEM, 1e-7, "adamUpdate v" + what);

                    // Lazy: the rows a batch of ids touched, everything else untouched.
                    Twins.T ids = h.ids(r, Math.max(1, r / 3), 2);
                    int[] unused = new int[r];
                    java.util.Arrays.fill(unused, -1);
                    Twins.T rows = h.ints(unused, r);
                    Twins.T count = h.ints(new int[] {-1}, 1);
                    h.run(be -> be.uniqueRows(List.of(ids.on(be)), r, rows.on(be), count.on(be)));
                    h.checkInts(rows, "uniqueRows" + what);
                    h.checkInts(count, "uniqueRows count" + what);
                    List<double[]> before = h.all.stream().map(be -> be.toDoubles(p.on(be))).toList();
                    // The rows tensor is read only up to the device-side count (its tail holds -1).
                    h.run(be -> be.adamUpdateRows(p.on(be), g.on(be), m.on(be), v.on(be), rows.on(be), count.on(be),
                            0.02, 0.8, 0.99, 1e-7, wd, t.on(be)));
                    h.check(p, ELEM, 1e-6, "adamUpdateRows" + what);
                    h.check(m, ELEM, 1e-7, "adamUpdateRows m" + what);
                    h.check(v, ELEM, 1e-7, "adamUpdateRows v" + what);
                    java.util.Set<Integer> touched = new java.util.HashSet<>();
                    for (int id : h.ref.toInts(ids.on(h.ref))) {
                        touched.add(id);
                    }
                    for (int b = 0; b < h.all.size(); b++) {
                        double[] after = h.all.get(b).toDoubles(p.on(h.all.get(b)));
                        for (int row = 0; row < r; row++) {
                            if (!touched.contains(row)) {
                                for (int j = 0; j < e; j++) {
                                    assertThat(after[row * e + j]).as("untouched row " + row + what)
                                            .isEqualTo(before.get(b)[row * e + j]);
                                }
                            }
                        }
                    }

                    h.run(be -> be.sgdUpdate(p.on(be), g.on(be), 0.3, wd));
                    h.check(p, ELEM, 1e-7, "sgdUpdate" + what);
                }
            }
        }
    }

    @Test
    void deviceSideReplacementsOfHostRoundTrips() {
        for (int[] s : MATS) {
            int b = s[0];
            int k = s[1];
            // maskedMeanWeights: mask / (count + 1) per row, exactly (0/1 masks count exactly in float).
            Twins.T mask = h.mask(0.6, b, k);
            Twins.T weights = h.poisoned(b, k);
            h.run(be -> be.maskedMeanWeights(mask.on(be), weights.on(be)));
            h.check(weights, 1e-7, 0, "maskedMeanWeights");
            float[] mv = h.ref.toFloats(mask.on(h.ref));
            for (Backend c : h.candidates) {
                float[] got = c.toFloats(weights.on(c));
                for (int i = 0; i < b; i++) {
                    double count = 0;
                    for (int j = 0; j < k; j++) {
                        count += mv[i * k + j];
                    }
                    float inv = c.floatType() == DType.F32 ? (float) (1.0 / (count + 1.0)) : Float.NaN;
                    for (int j = 0; j < k && c.floatType() == DType.F32; j++) {
                        assertThat(got[i * k + j]).as("maskedMeanWeights exact").isEqualTo(mv[i * k + j] * inv);
                    }
                }
            }
        }
        for (int[] c : CUBES) {
            int b = c[0];
            int t = c[1];
            int n = c[2];
            Twins.T x = h.rand(b, n);
            Twins.T out = h.poisoned(b, t, n);
            h.run(be -> be.broadcastOverTime(x.on(be), out.on(be)));
            h.check(out, 0, 0, "broadcastOverTime");
            Twins.T dOut = h.rand(b, t, n);
            Twins.T dX = h.rand(b, n);
            h.run(be -> be.sumOverTime(dOut.on(be), dX.on(be)));
            // Added in increasing t, one rounding per add, as the scatter-add it replaced.
            h.check(dX, 1e-6 * Math.sqrt(t), 1e-6 * Math.sqrt(t), "sumOverTime");
        }
    }

    @Test
    void dropoutMasksAreTheGeneratorsOnEveryBackend() {
        for (int[] s : MATS) {
            for (double rate : new double[] {0, 0.1, 0.5, 0.9}) {
                for (int step : new int[] {0, 1, 12345}) {
                    Twins.T counter = h.ints(new int[] {step}, 1);
                    Twins.T mask = h.poisoned(s);
                    long seed = 0x5EEDL + s[0];
                    long salt = 3;
                    h.run(be -> be.dropoutMask(seed, salt, counter.on(be), rate, mask.on(be)));
                    // Against the F64 reference: the keep value 1 / (1 - rate) rounds to float once.
                    h.check(mask, 1e-7, 0, "dropoutMask rate " + rate);
                    // Identical to CounterRandom, element by element, on every backend.
                    for (Backend c : h.all) {
                        float[] got = c.toFloats(mask.on(c));
                        for (int i = 0; i < got.length; i++) {
                            float want = (float) CounterRandom.dropoutValue(seed, salt, step, i, rate);
                            if (got[i] != want) {
                                assertThat(got[i]).as("dropoutMask element " + i + " on " + c.name()).isEqualTo(want);
                            }
                        }
                    }
                }
            }
        }
        // The keep rate, and masks that change with the step and the salt.
        int n = 200_000;
        Backend c = h.candidates.getFirst();
        Tensor counter = c.upload(new int[] {7}, 1);
        Tensor a = c.zeros(c.floatType(), n);
        Tensor b = c.zeros(c.floatType(), n);
        c.dropoutMask(42, 0, counter, 0.3, a);
        float[] av = c.toFloats(a);
        int kept = 0;
        for (float v : av) {
            if (v != 0) {
                assertThat(v).isEqualTo((float) (1 / 0.7));
                kept++;
            }
        }
        // 0.7 n kept, binomial standard deviation sqrt(n 0.7 0.3) ~ 205: 6 sigma.
        assertThat(kept).isBetween((int) (0.7 * n) - 1230, (int) (0.7 * n) + 1230);
        c.increment(counter);
        c.dropoutMask(42, 0, counter, 0.3, b);
        assertThat(c.toFloats(b)).isNotEqualTo(av);
        c.dropoutMask(42, 1, c.upload(new int[] {7}, 1), 0.3, b);
        assertThat(c.toFloats(b)).isNotEqualTo(av);
        c.dropoutMask(42, 0, c.upload(new int[] {7}, 1), 0.3, b);
        assertThat(c.toFloats(b)).isEqualTo(av);
    }

    /**
     * Rows rebuilt from a resident sequence store: training and test rows, every stride the data-parallel sharding
     * uses, histories shorter and longer than L, draws from the table and from the cumulative search, and a bound just
     * above 2^30 where about half the raw draws are rejected. Ints exact, labels exact.
     */
    @Test
    void sequenceRowsMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(seed);
        Object[][] stores = {{true, false, 17}, {false, false, 5}, {false, true, 17}, {true, false, 100}};
        for (Object[] c : stores) {
            SequenceFixture store = new SequenceFixture(rnd, 23, (int) c[2] + 9, 40, (int) c[2], (boolean) c[0],
                    (boolean) c[1]);
            Twins.T[] tables = store.on(h);
            int l = store.maxHistory;
            for (boolean test : new boolean[] {false, true}) {
                int[] starts = store.rowStart(test);
                int rows = starts[starts.length - 1];
                Twins.T rowStart = h.ints(starts, starts.length);
                for (int[] range : new int[][] {{0, 1, rows}, {3, 2, (rows - 3 + 1) / 2}, {1, 4, (rows - 1 + 3) / 4},
                        {rows - 1, 1, 1}}) {
                    int b = range[2];
                    String what = "sequenceRows " + (test ? "test" : "train") + " L " + l + " table " + c[0]
                            + " huge bound " + c[1] + " from " + range[0] + " stride " + range[1];
                    Twins.T label = h.poisoned(b);
                    Twins.T[] ints = {h.ids(1000, b), h.ids(1000, b), h.ids(1000, b), h.ids(1000, b, l),
                            h.ids(1000, b, l), h.ids(1000, b, l), h.ids(1000, b, l)};
                    h.run(be -> be.sequenceRows(SequenceFixture.mapping(be, tables, rowStart, l, store.draws, test,
                            seed, rows), range[0], range[1], new RowTensors(label.on(be), ints[0].on(be),
                            ints[1].on(be), ints[2].on(be), ints[3].on(be), ints[4].on(be), ints[5].on(be),
                            ints[6].on(be))));
                    h.check(label, 0, 0, what + " label");
                    for (int k = 0; k < ints.length; k++) {
                        h.checkInts(ints[k], what + " column " + (k + 1));
                    }
                }
            }
        }
    }

    @Test
    void memory() {
        Backend cpu = h.candidates.getLast();
        Tensor x = cpu.upload(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertThat(cpu.toFloats(x.rows(1, 2))).containsExactly(4, 5, 6);
        assertThat(cpu.toDoubles(x.reshape(3, 2).rows(2, 3))).containsExactly(5, 6);
        cpu.fill(x.rows(0, 1), 9);
        assertThat(cpu.toFloats(x)).containsExactly(9, 9, 9, 4, 5, 6);
        cpu.write(x.rows(1, 2), new float[] {7, 8, 0});
        Tensor y = cpu.zeros(cpu.floatType(), 3);
        cpu.copy(x.rows(1, 2), y);
        assertThat(cpu.toFloats(y)).containsExactly(7, 8, 0);
        Tensor ids = cpu.upload(new int[] {1, 2, 3}, 3);
        cpu.write(ids, new int[] {4, 5, 6});
        assertThat(cpu.toInts(ids.rows(1, 3))).containsExactly(5, 6);
        assertThatThrownBy(() -> cpu.matmul(x, false, x, false, y.reshape(1, 3), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 3]");
    }
}
