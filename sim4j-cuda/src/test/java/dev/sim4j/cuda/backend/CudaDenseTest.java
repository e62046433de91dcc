package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sim4j.cuda.backend.CudaTwins.T;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.reference.ScalarBackend;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dense family on the GPU against the reference: the F64 scalar backend within tolerances (with guards around every
 * view and NaN-poisoned outputs), and, where the kernel is one rounding of the reference's double result, the F32
 * scalar backend bit for bit. The ADR 0006 helpers are checked bit for bit against Java loops that spell out their
 * definitions. Reductions are also run twice and must give identical bits.
 */
class CudaDenseTest {
    /** Element-wise ops: one float rounding. */
    static final double ELEM = 1e-6;
    /** Reductions in double rounded once (the order differs from the reference's, in double). */
    static final double RED = 1e-6;

    /** [rows, columns]: awkward pairs, beyond a block, and the model's [B, H], [B*T, E], tall-thin gradients. */
    static final int[][] MATS = {{1, 1}, {1, 127}, {7, 17}, {17, 33}, {33, 7}, {127, 127}, {1021, 3}, {4099, 1},
            {4096, 32}, {4096, 36}, {4096, 96}, {4096, 200}, {40960, 36}, {131072, 1}};
    /** [A, B, D] shapes, including [T, B, H] and [B, T, H] of the model. */
    static final int[][] CUBES = {{1, 1, 1}, {7, 17, 33}, {33, 7, 17}, {17, 127, 1}, {127, 33, 7}, {10, 4096, 36},
            {4096, 10, 36}, {1021, 5, 4}, {10, 512, 96}};

    static CudaTwins h;
    static ScalarBackend s32;

    @BeforeAll
    static void setUp() {
        h = new CudaTwins(Long.getLong("sim4j.seed", 20260510L));
        s32 = new ScalarBackend(DType.F32);
    }

    @AfterAll
    static void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    // ---------------------------------------------------------------- helpers

    static float[] values(T t) {
        double[] d = h.ref.toDoubles(t.on(h.ref));
        float[] f = new float[d.length];
        for (int k = 0; k < d.length; k++) {
            f[k] = (float) d[k];
        }
        return f;
    }

    /** The current values of t on the F32 reference (take it before the op changes t). */
    static Tensor f32(T t) {
        return s32.upload(values(t), t.shape());
    }

    /** A second logical tensor holding the same values as t. */
    static T copyOf(T t) {
        return h.floats(values(t), t.shape());
    }

    /** The GPU's values of got equal want bit for bit. */
    static void sameBits(float[] want, T got, String what) {
        float[] g = h.gpu.toFloats(got.on(h.gpu));
        assertThat(g.length).as(what).isEqualTo(want.length);
        for (int k = 0; k < g.length; k++) {
            if (Float.floatToIntBits(g[k]) != Float.floatToIntBits(want[k])) {
                fail("%s %s: element %d is %s, expected exactly %s", what, Arrays.toString(got.shape()), k, g[k],
                        want[k]);
            }
        }
        h.checkGuards(got, what);
    }

    static void sameBits(Tensor want32, T got, String what) {
        sameBits(s32.toFloats(want32), got, what);
    }

    /** Two GPU runs of op (on the same inputs, into outputs a and b starting equal) give identical bits. */
    static void deterministic(T a, T b, Consumer<T> op, String what) {
        op.accept(a);
        op.accept(b);
        CudaTwins.sameBits(h.gpu.toFloats(b.on(h.gpu)), h.gpu.toFloats(a.on(h.gpu)), what + " run twice");
    }

    static String shape(int... s) {
        return Arrays.toString(s);
    }

    // ---------------------------------------------------------------- matmul

    void matmulCase(int m, int k, int n, boolean ta, boolean tb, double beta) {
        T a = ta ? h.rand(k, m) : h.rand(m, k);
        T b = tb ? h.rand(n, k) : h.rand(k, n);
        // beta = 0 must ignore what is in c, even NaN.
        T c = beta == 0 ? h.constant(Float.NaN, m, n) : h.rand(m, n);
        h.run(be -> be.matmul(a.on(be), ta, b.on(be), tb, c.on(be), beta));
        h.check(c, 0, 2e-6 * Math.sqrt(k + 1), "matmul " + m + "x" + k + "x" + n + " ta=" + ta + " tb=" + tb
                + " beta=" + beta);
    }

    @Test
    void matmulAllTransposesAtAwkwardSizes() {
        int[] sizes = {1, 7, 17, 33, 127};
        for (int m : sizes) {
            for (int n : sizes) {
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
        matmulCase(4096, 96, 288, false, false, 0);
        matmulCase(4096, 36, 108, false, false, 0);
        matmulCase(4096, 288, 96, false, true, 0);
        matmulCase(96, 4096, 288, true, false, 1);
        matmulCase(33, 5000, 40, true, false, 0.5);
        matmulCase(40, 300, 200, true, true, 0);
        matmulCase(4096, 80, 1, false, false, 1);
        matmulCase(36, 40960, 108, true, false, 1);
        matmulCase(7, 8193, 3, true, false, 0);
        matmulCase(40, 9000, 1, false, true, 1);
        matmulCase(1021, 17, 4099, false, false, 0.25);
    }

    @Test
    void matmulEmptyDimensions() {
        for (double beta : new double[] {0, 0.5}) {
            // k = 0: c = beta * c (beta 0 clears NaN).
            T a = h.rand(7, 0);
            T b = h.rand(0, 5);
            T c = beta == 0 ? h.constant(Float.NaN, 7, 5) : h.rand(7, 5);
            h.run(be -> be.matmul(a.on(be), false, b.on(be), false, c.on(be), beta));
            h.check(c, ELEM, 0, "matmul k=0 beta=" + beta);
            // m = 0 or n = 0: nothing to do.
            T a0 = h.rand(0, 3);
            T b0 = h.rand(3, 4);
            T c0 = h.rand(0, 4);
            h.run(be -> be.matmul(a0.on(be), false, b0.on(be), false, c0.on(be), beta));
            T b1 = h.rand(3, 0);
            T a1 = h.rand(6, 3);
            T c1 = h.rand(6, 0);
            h.run(be -> be.matmul(a1.on(be), false, b1.on(be), false, c1.on(be), beta));
        }
    }

    // ---------------------------------------------------------------- element-wise, bit for bit with the F32 reference

    @Test
    void elementwiseMatchTheF32ReferenceBitForBit() {
        for (int[] s : MATS) {
            int m = s[0];
            int n = s[1];
            String sh = shape(s);
            T x = h.rand(m, n);
            T y = h.uniform(-3, 3, m, n);
            T out = h.output(m, n);
            Tensor x32 = f32(x);
            Tensor y32 = f32(y);
            Tensor o32 = s32.zeros(DType.F32, m, n);

            h.run(be -> be.add(x.on(be), y.on(be), out.on(be)));
            s32.add(x32, y32, o32);
            h.check(out, ELEM, 0, "add " + sh);
            sameBits(o32, out, "add " + sh);

            h.run(be -> be.subtract(x.on(be), y.on(be), out.on(be)));
            s32.subtract(x32, y32, o32);
            h.check(out, ELEM, 0, "subtract " + sh);
            sameBits(o32, out, "subtract " + sh);

            h.run(be -> be.mul(x.on(be), y.on(be), out.on(be)));
            s32.mul(x32, y32, o32);
            h.check(out, ELEM, 0, "mul " + sh);
            sameBits(o32, out, "mul " + sh);

            // In place: out may be one of the inputs.
            T z = h.rand(m, n);
            Tensor z32 = f32(z);
            h.run(be -> be.add(z.on(be), y.on(be), z.on(be)));
            s32.add(z32, y32, z32);
            h.check(z, ELEM, 0, "add in place " + sh);
            sameBits(z32, z, "add in place " + sh);

            for (double alpha : new double[] {-0.3, 1e-3, 1}) {
                T acc = h.rand(m, n);
                Tensor acc32 = f32(acc);
                h.run(be -> be.axpy(alpha, x.on(be), acc.on(be)));
                s32.axpy(alpha, x32, acc32);
                h.check(acc, ELEM, 1e-7, "axpy " + alpha + " " + sh);
                sameBits(acc32, acc, "axpy " + alpha + " " + sh);
            }

            for (double sc : new double[] {1.7, 0.1, -1.0 / 3}) {
                T v = h.rand(m, n);
                Tensor v32 = f32(v);
                h.run(be -> be.scale(v.on(be), sc));
                s32.scale(v32, sc);
                h.check(v, ELEM, 0, "scale " + sc + " " + sh);
                sameBits(v32, v, "scale " + sc + " " + sh);
            }

            T row = h.rand(n);
            T x2 = h.rand(m, n);
            Tensor x232 = f32(x2);
            h.run(be -> be.addRowVector(x2.on(be), row.on(be)));
            s32.addRowVector(x232, f32(row));
            h.check(x2, ELEM, 0, "addRowVector " + sh);
            sameBits(x232, x2, "addRowVector " + sh);

            T rs = h.rand(m);
            h.run(be -> be.mulRows(x.on(be), rs.on(be), out.on(be)));
            s32.mulRows(x32, f32(rs), o32);
            h.check(out, ELEM, 0, "mulRows " + sh);
            sameBits(o32, out, "mulRows " + sh);
        }
    }

    @Test
    void activations() {
        for (int[] s : MATS) {
            int m = s[0];
            int n = s[1];
            String sh = shape(s);
            T x = h.uniform(-12, 12, m, n);
            T small = h.uniform(-0.1, 0.1, m, n);
            T big = h.uniform(-100, 100, m, n);
            T y = h.rand(m, n);
            T dy = h.uniform(-2, 2, m, n);
            T out = h.output(m, n);
            Tensor y32 = f32(y);
            Tensor dy32 = f32(dy);
            Tensor o32 = s32.zeros(DType.F32, m, n);
            for (T in : List.of(x, small, big)) {
                h.run(be -> be.sigmoid(in.on(be), out.on(be)));
                h.check(out, ELEM, 0, "sigmoid " + sh);
                h.run(be -> be.tanh(in.on(be), out.on(be)));
                h.check(out, ELEM, 0, "tanh " + sh);
            }

            h.run(be -> be.sigmoidBackward(y.on(be), dy.on(be), out.on(be)));
            s32.sigmoidBackward(y32, dy32, o32);
            h.check(out, ELEM, 0, "sigmoidBackward " + sh);
            sameBits(o32, out, "sigmoidBackward " + sh);

            h.run(be -> be.tanhBackward(y.on(be), dy.on(be), out.on(be)));
            s32.tanhBackward(y32, dy32, o32);
            h.check(out, ELEM, 0, "tanhBackward " + sh);
            sameBits(o32, out, "tanhBackward " + sh);

            T alpha = h.rand(n);
            Tensor alpha32 = f32(alpha);
            h.run(be -> be.prelu(y.on(be), alpha.on(be), out.on(be)));
            s32.prelu(y32, alpha32, o32);
            h.check(out, ELEM, 0, "prelu " + sh);
            sameBits(o32, out, "prelu " + sh);

            T dAlpha = h.rand(n);
            Tensor dAlpha32 = f32(dAlpha);
            h.run(be -> be.preluBackward(y.on(be), alpha.on(be), dy.on(be), out.on(be), dAlpha.on(be)));
            s32.preluBackward(y32, alpha32, dy32, o32, dAlpha32);
            h.check(out, ELEM, 0, "preluBackward dx " + sh);
            sameBits(o32, out, "preluBackward dx " + sh);
            h.check(dAlpha, RED, 1e-7, "preluBackward dAlpha (+=) " + sh);
        }
    }

    // ---------------------------------------------------------------- reductions

    @Test
    void sumRowsAndRowDot() {
        int[][] extra = {{300000, 1}, {4099, 7}, {65, 3}, {64, 5}, {0, 4}};
        for (int[][] set : new int[][][] {MATS, extra}) {
            for (int[] s : set) {
                int m = s[0];
                int n = s[1];
                String sh = shape(s);
                T x = h.uniform(-1, 2, m, n);
                for (double beta : new double[] {0, 0.7, 1}) {
                    T sums = beta == 0 ? h.output(n) : h.rand(n);
                    h.run(be -> be.sumRows(x.on(be), sums.on(be), beta));
                    h.check(sums, RED, 1e-7, "sumRows beta=" + beta + " " + sh);
                }
                if (m > 0) {
                    T y = h.rand(m, n);
                    T dots = h.output(m);
                    h.run(be -> be.rowDot(x.on(be), y.on(be), dots.on(be)));
                    h.check(dots, RED, 1e-7, "rowDot " + sh);
                }
            }
        }
        // Leading dimensions fold into rows.
        T x3 = h.rand(7, 10, 17);
        T sums = h.output(17);
        h.run(be -> be.sumRows(x3.on(be), sums.on(be), 0));
        h.check(sums, RED, 1e-7, "sumRows [7, 10, 17]");
        T y3 = h.rand(7, 10, 17);
        T dots = h.output(7, 10);
        h.run(be -> be.rowDot(x3.on(be), y3.on(be), dots.on(be)));
        h.check(dots, RED, 1e-7, "rowDot [7, 10, 17]");
        // Wide rows (more columns than a warp covers many times over).
        T w = h.rand(33, 5000);
        T w2 = h.rand(33, 5000);
        T wd = h.output(33);
        h.run(be -> be.rowDot(w.on(be), w2.on(be), wd.on(be)));
        h.check(wd, RED, 1e-7, "rowDot [33, 5000]");
    }

    @Test
    void reductionsAreDeterministic() {
        for (int[] s : new int[][] {{131072, 1}, {4096, 200}, {40960, 36}, {300000, 3}, {4096, 1}}) {
            int m = s[0];
            int n = s[1];
            String sh = shape(s);
            T x = h.rand(m, n);
            T y = h.rand(m, n);
            T alpha = h.rand(n);
            T a = h.rand(n);
            T b = copyOf(a);
            deterministic(a, b, o -> h.gpu.sumRows(x.on(h.gpu), o.on(h.gpu), 0.5), "sumRows " + sh);
            T da = h.rand(n);
            T db = copyOf(da);
            T dx = h.output(m, n);
            deterministic(da, db, o -> h.gpu.preluBackward(x.on(h.gpu), alpha.on(h.gpu), y.on(h.gpu), dx.on(h.gpu),
                    o.on(h.gpu)), "preluBackward dAlpha " + sh);
            T ra = h.output(m);
            T rb = h.output(m);
            deterministic(ra, rb, o -> h.gpu.rowDot(x.on(h.gpu), y.on(h.gpu), o.on(h.gpu)), "rowDot " + sh);
        }
    }

    // ---------------------------------------------------------------- layout

    @Test
    void layout() {
        for (int[] s : MATS) {
            int m = s[0];
            int n = s[1];
            String sh = shape(s);
            T p0 = h.rand(m, n);
            T p1 = h.rand(m, 1);
            T p2 = h.rand(m, 5);
            T out = h.output(m, n + 6);
            h.run(be -> be.concatColumns(List.of(p0.on(be), p1.on(be), p2.on(be)), out.on(be)));
            h.check(out, 0, 0, "concatColumns " + sh);
            for (boolean accumulate : new boolean[] {false, true}) {
                T in = h.rand(m, n + 6);
                T q0 = accumulate ? h.rand(m, n) : h.output(m, n);
                T q1 = accumulate ? h.rand(m, 1) : h.output(m, 1);
                T q2 = accumulate ? h.rand(m, 5) : h.output(m, 5);
                Tensor in32 = f32(in);
                Tensor r0 = f32(q0);
                Tensor r1 = f32(q1);
                Tensor r2 = f32(q2);
                h.run(be -> be.splitColumns(in.on(be), List.of(q0.on(be), q1.on(be), q2.on(be)), accumulate));
                s32.splitColumns(in32, List.of(r0, r1, r2), accumulate);
                String what = "splitColumns accumulate=" + accumulate + " " + sh;
                h.check(q0, ELEM, 0, what);
                h.check(q1, ELEM, 0, what);
                h.check(q2, ELEM, 0, what);
                sameBits(r0, q0, what);
                sameBits(r1, q1, what);
                sameBits(r2, q2, what);
            }
        }
        // The model's embedding concat: [B, 2E] | [B, 2E] | [B, H] into one input row.
        T e0 = h.rand(4096, 32);
        T e1 = h.rand(4096, 36);
        T e2 = h.rand(4096, 96);
        T cat = h.output(4096, 164);
        h.run(be -> be.concatColumns(List.of(e0.on(be), e1.on(be), e2.on(be)), cat.on(be)));
        h.check(cat, 0, 0, "concatColumns model widths");
        // Every offset a multiple of eight (the eight-column path on aligned views), then split back accumulating.
        T f0 = h.rand(4096, 32);
        T f1 = h.rand(4096, 32);
        T f2 = h.rand(4096, 96);
        T cat8 = h.output(4096, 160);
        h.run(be -> be.concatColumns(List.of(f0.on(be), f1.on(be), f2.on(be)), cat8.on(be)));
        h.check(cat8, 0, 0, "concatColumns widths of eight");
        T g0 = h.rand(4096, 32);
        T g1 = h.rand(4096, 32);
        T g2 = h.rand(4096, 96);
        h.run(be -> be.splitColumns(cat8.on(be), List.of(g0.on(be), g1.on(be), g2.on(be)), true));
        h.check(g0, ELEM, 0, "splitColumns accumulate widths of eight");
        h.check(g2, ELEM, 0, "splitColumns accumulate widths of eight");
        for (int[] s : CUBES) {
            T x = h.rand(s);
            T out = h.output(s[1], s[0], s[2]);
            h.run(be -> be.transpose01(x.on(be), out.on(be)));
            h.check(out, 0, 0, "transpose01 " + shape(s));
        }
    }

    // ---------------------------------------------------------------- ADR 0006 helpers

    /** The mask value ADR 0006 defines, from the engine's generator (the one definition every backend follows). */
    static float expectedMask(long seed, long salt, int step, double rate, long i) {
        double u = dev.sim4j.engine.kernels.CounterRandom.uniform(seed, salt, step, i);
        return u >= rate ? (float) (1.0 / (1.0 - rate)) : 0f;
    }

    @Test
    void dropoutMaskIsTheCounterGeneratorBitForBit() {
        long[] seeds = {0, 1, 42, -7, Long.MIN_VALUE, 0x123456789ABCDEFL};
        long[] salts = {0, 3, -1, 1L << 40};
        int[] steps = {0, 1, 17, -5, Integer.MAX_VALUE};
        double[] rates = {0, 0.1, 0.5, 0.9, 1};
        int[] sizes = {1, 7, 33, 1021, 4099, 4096 * 96};
        int c = 0;
        for (long seed : seeds) {
            for (long salt : salts) {
                for (int st : steps) {
                    // Cycle through rates and sizes rather than all combinations: each case is a whole launch.
                    double rate = rates[c % rates.length];
                    int n = sizes[c % sizes.length];
                    c++;
                    Tensor step = h.gpu.upload(new int[] {st}, 1);
                    T mask = h.output(n);
                    h.gpu.dense.dropoutMask(seed, salt, step, rate, mask.on(h.gpu));
                    float[] want = new float[n];
                    for (int i = 0; i < n; i++) {
                        want[i] = expectedMask(seed, salt, st, rate, i);
                    }
                    sameBits(want, mask, "dropoutMask seed=" + seed + " salt=" + salt + " step=" + st + " rate="
                            + rate + " n=" + n);
                }
            }
        }
        // A 2-D mask counts its elements flat, and the kept fraction is about 1 - rate.
        Tensor step = h.gpu.upload(new int[] {12}, 1);
        T mask = h.output(4096, 96);
        h.gpu.dense.dropoutMask(99, 5, step, 0.25, mask.on(h.gpu));
        float[] want = new float[4096 * 96];
        int kept = 0;
        for (int i = 0; i < want.length; i++) {
            want[i] = expectedMask(99, 5, 12, 0.25, i);
            kept += want[i] != 0 ? 1 : 0;
        }
        sameBits(want, mask, "dropoutMask [4096, 96]");
        assertThat(kept / (double) want.length).isBetween(0.74, 0.76);
        assertThat(want[0] == 0 || want[0] == (float) (1 / 0.75)).isTrue();
    }

    @Test
    void maskedMeanWeightsAreExact() {
        int[][] shapes = {{1, 1}, {7, 17}, {33, 50}, {4096, 50}, {127, 90}, {17, 990}, {1021, 1}};
        for (int[] s : shapes) {
            for (double p : new double[] {0, 0.3, 0.9, 1}) {
                int b = s[0];
                int k = s[1];
                T mask = h.mask(p, b, k);
                T weights = h.output(b, k);
                float[] m = values(mask);
                h.gpu.dense.maskedMeanWeights(mask.on(h.gpu), weights.on(h.gpu));
                float[] want = new float[m.length];
                for (int r = 0; r < b; r++) {
                    float count = 0;
                    for (int j = 0; j < k; j++) {
                        count += m[r * k + j];
                    }
                    float w = (float) (1.0 / (count + 1.0));
                    for (int j = 0; j < k; j++) {
                        want[r * k + j] = m[r * k + j] * w;
                    }
                }
                sameBits(want, weights, "maskedMeanWeights p=" + p + " " + shape(s));
                // In place: weights may overwrite the mask.
                h.gpu.dense.maskedMeanWeights(mask.on(h.gpu), mask.on(h.gpu));
                sameBits(want, mask, "maskedMeanWeights in place p=" + p + " " + shape(s));
            }
        }
    }

    @Test
    void broadcastAndSumOverTime() {
        int[][] shapes = {{1, 1, 1}, {7, 10, 17}, {33, 1, 7}, {4096, 10, 36}, {4096, 10, 96}, {127, 50, 32},
                {1021, 3, 1}};
        for (int[] s : shapes) {
            int b = s[0];
            int t = s[1];
            int n = s[2];
            String sh = shape(s);
            T x = h.rand(b, n);
            T out = h.output(b, t, n);
            float[] xv = values(x);
            h.gpu.dense.broadcastOverTime(x.on(h.gpu), out.on(h.gpu));
            float[] want = new float[b * t * n];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < t; j++) {
                    System.arraycopy(xv, i * n, want, (i * t + j) * n, n);
                }
            }
            sameBits(want, out, "broadcastOverTime " + sh);

            // Wide-ranging values, so the order of the float additions shows in the bits.
            T dOut = h.uniform(-1000, 1000, b, t, n);
            T dX = h.uniform(-1, 1, b, n);
            float[] g = values(dOut);
            float[] acc = values(dX);
            h.gpu.dense.sumOverTime(dOut.on(h.gpu), dX.on(h.gpu));
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < t; j++) {
                    for (int c = 0; c < n; c++) {
                        acc[i * n + c] += g[(i * t + j) * n + c];
                    }
                }
            }
            sameBits(acc, dX, "sumOverTime " + sh);
        }
    }
}
