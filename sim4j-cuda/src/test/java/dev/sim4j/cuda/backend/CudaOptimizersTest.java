package dev.sim4j.cuda.backend;

import static dev.sim4j.cuda.backend.CudaEmbeddingsTest.assertBitIdentical;
import static dev.sim4j.cuda.backend.CudaEmbeddingsTest.floats;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.reference.ScalarBackend;
import java.util.Arrays;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The optimizer kernels against the scalar reference: within the conformance tolerances of the F64 reference, and
 * against the F32 reference bit for bit for the moments and SGD, within one ulp for Adam's parameters (the step size
 * uses the device's pow; the largest difference found is printed). The reference still takes Adam's step as a long
 * and has no row count, so the GPU family is called directly with the device-ready signatures.
 */
class CudaOptimizersTest {
    private static final double ELEM = 1e-6;
    private static final int[][] MATS = {{1, 1}, {1, 7}, {7, 17}, {33, 1}, {127, 33}, {1021, 7}, {4099, 16},
            {20000, 16}, {4096, 36}};
    private final Backend f32 = new ScalarBackend(DType.F32);

    @Test
    void increment() {
        try (CudaTwins h = new CudaTwins(201)) {
            Tensor counter = h.gpu.upload(new int[] {5, 41, 9}, 3);
            Tensor middle = counter.rows(1, 2);
            h.gpu.optimizers.increment(middle);
            assertThat(h.gpu.toInts(counter)).containsExactly(5, 42, 9);
            h.gpu.optimizers.increment(middle);
            assertThat(h.gpu.toInts(counter)).containsExactly(5, 43, 9);
        }
    }

    @Test
    void adamUpdate() {
        try (CudaTwins h = new CudaTwins(202)) {
            int worst = 0;
            for (int[] s : MATS) {
                for (int step : new int[] {1, 7, 1000, 123_456}) {
                    for (double wd : new double[] {0, 0.05}) {
                        String what = " " + s[0] + "x" + s[1] + " step " + step + " wd " + wd;
                        CudaTwins.T p = h.rand(s);
                        CudaTwins.T g = h.rand(s);
                        CudaTwins.T m = h.rand(s);
                        CudaTwins.T v = h.uniform(0, 1, s);
                        Tensor[] want = f32Inputs(h, s, p, g, m, v);
                        h.ref.adamUpdate(p.on(h.ref), g.on(h.ref), m.on(h.ref), v.on(h.ref), 0.01, 0.9, 0.999, 1e-7,
                                wd, h.ref.upload(new int[] {step}, 1));
                        f32.adamUpdate(want[0], want[1], want[2], want[3], 0.01, 0.9, 0.999, 1e-7, wd,
                                f32.upload(new int[] {step}, 1));
                        Tensor stepT = h.gpu.upload(new int[] {step}, 1);
                        h.gpu.optimizers.adamUpdate(p.on(h.gpu), g.on(h.gpu), m.on(h.gpu), v.on(h.gpu), 0.01, 0.9,
                                0.999, 1e-7, wd, stepT);
                        h.check(p, ELEM, 1e-6, "adamUpdate" + what);
                        h.check(m, ELEM, 1e-7, "adamUpdate m" + what);
                        h.check(v, ELEM, 1e-7, "adamUpdate v" + what);
                        assertBitIdentical(h.gpu.toFloats(m.on(h.gpu)), f32.toFloats(want[2]), "adam m vs F32" + what);
                        assertBitIdentical(h.gpu.toFloats(v.on(h.gpu)), f32.toFloats(want[3]), "adam v vs F32" + what);
                        worst = Math.max(worst, maxUlps(h.gpu.toFloats(p.on(h.gpu)), f32.toFloats(want[0])));
                        assertThat(worst).as("adamUpdate ulps vs F32" + what).isLessThanOrEqualTo(1);
                    }
                }
            }
            System.out.println("[sim4j] adamUpdate: largest difference from the F32 reference " + worst + " ulp");
        }
    }

    @Test
    void adamUpdateRows() {
        try (CudaTwins h = new CudaTwins(203)) {
            int worst = 0;
            for (int[] s : MATS) {
                int r = s[0];
                int e = s[1];
                for (int step : new int[] {1, 7, 1000}) {
                    for (double wd : new double[] {0, 0.05}) {
                        String what = " " + r + "x" + e + " step " + step + " wd " + wd;
                        CudaTwins.T p = h.rand(s);
                        CudaTwins.T g = h.rand(s);
                        CudaTwins.T m = h.rand(s);
                        CudaTwins.T v = h.uniform(0, 1, s);
                        Tensor[] want = f32Inputs(h, s, p, g, m, v);
                        // Distinct increasing rows, then the slack of a buffer sized for the largest count: rows the
                        // kernel must not touch (row 0 and the count-th distinct row, repeated).
                        TreeSet<Integer> picked = new TreeSet<>();
                        int n = Math.max(1, r / 3);
                        for (int k = 0; k < n; k++) {
                            picked.add(h.rnd.nextInt(r));
                        }
                        int count = picked.size();
                        int slack = 3;
                        int[] rows = new int[count + slack];
                        int k = 0;
                        for (int row : picked) {
                            rows[k++] = row;
                        }
                        Arrays.fill(rows, count, rows.length, 0);
                        CudaTwins.T rowsT = h.ints(rows, rows.length);
                        Tensor countT = h.gpu.upload(new int[] {count}, 1);
                        Tensor stepT = h.gpu.upload(new int[] {step}, 1);
                        int[] listed = Arrays.copyOf(rows, count);
                        h.ref.adamUpdateRows(p.on(h.ref), g.on(h.ref), m.on(h.ref), v.on(h.ref),
                                rowsT.on(h.ref), h.ref.upload(new int[] {count}, 1), 0.02, 0.8, 0.99, 1e-7, wd,
                                h.ref.upload(new int[] {step}, 1));
                        f32.adamUpdateRows(want[0], want[1], want[2], want[3], f32.upload(listed, count), f32.upload(new int[] {count}, 1), 0.02, 0.8,
                                0.99, 1e-7, wd, f32.upload(new int[] {step}, 1));
                        h.gpu.optimizers.adamUpdateRows(p.on(h.gpu), g.on(h.gpu), m.on(h.gpu), v.on(h.gpu),
                                rowsT.on(h.gpu), countT, 0.02, 0.8, 0.99, 1e-7, wd, stepT);
                        h.check(p, ELEM, 1e-6, "adamUpdateRows" + what);
                        h.check(m, ELEM, 1e-7, "adamUpdateRows m" + what);
                        h.check(v, ELEM, 1e-7, "adamUpdateRows v" + what);
                        // Bit for bit on m and v covers the untouched rows too (and row 0 when not listed).
                        assertBitIdentical(h.gpu.toFloats(m.on(h.gpu)), f32.toFloats(want[2]),
                                "adamUpdateRows m vs F32" + what);
                        assertBitIdentical(h.gpu.toFloats(v.on(h.gpu)), f32.toFloats(want[3]),
                                "adamUpdateRows v vs F32" + what);
                        worst = Math.max(worst, maxUlps(h.gpu.toFloats(p.on(h.gpu)), f32.toFloats(want[0])));
                        assertThat(worst).as("adamUpdateRows ulps vs F32" + what).isLessThanOrEqualTo(1);
                    }
                }
            }
            System.out.println("[sim4j] adamUpdateRows: largest difference from the F32 reference " + worst + " ulp");
        }
    }

    @Test
    void adamUpdateRowsWithEveryRowEqualsAdamUpdate() {
        try (CudaTwins h = new CudaTwins(204)) {
            int r = 1021;
            int e = 16;
            float[] p = floats(h, h.rand(r, e));
            float[] g = floats(h, h.rand(r, e));
            float[] m = floats(h, h.rand(r, e));
            float[] v = floats(h, h.uniform(0, 1, r, e));
            int[] all = new int[r];
            for (int k = 0; k < r; k++) {
                all[k] = k;
            }
            float[][] out = new float[6][];
            for (int mode = 0; mode < 2; mode++) {
                Tensor pt = h.gpu.upload(p, r, e);
                Tensor mt = h.gpu.upload(m, r, e);
                Tensor vt = h.gpu.upload(v, r, e);
                Tensor gt = h.gpu.upload(g, r, e);
                Tensor step = h.gpu.upload(new int[] {3}, 1);
                if (mode == 0) {
                    h.gpu.optimizers.adamUpdate(pt, gt, mt, vt, 0.01, 0.9, 0.999, 1e-7, 0.01, step);
                } else {
                    h.gpu.optimizers.adamUpdateRows(pt, gt, mt, vt, h.gpu.upload(all, r),
                            h.gpu.upload(new int[] {r}, 1), 0.01, 0.9, 0.999, 1e-7, 0.01, step);
                }
                out[3 * mode] = h.gpu.toFloats(pt);
                out[3 * mode + 1] = h.gpu.toFloats(mt);
                out[3 * mode + 2] = h.gpu.toFloats(vt);
            }
            assertBitIdentical(out[3], out[0], "adamUpdateRows of every row: param");
            assertBitIdentical(out[4], out[1], "adamUpdateRows of every row: m");
            assertBitIdentical(out[5], out[2], "adamUpdateRows of every row: v");
        }
    }

    @Test
    void adamReadsTheStepCounterOnTheDevice() {
        try (CudaTwins h = new CudaTwins(205)) {
            int n = 4099;
            CudaTwins.T p = h.rand(n);
            CudaTwins.T g = h.rand(n);
            CudaTwins.T m = h.rand(n);
            CudaTwins.T v = h.uniform(0, 1, n);
            Tensor step = h.gpu.upload(new int[] {0}, 1);
            for (int t = 1; t <= 3; t++) {
                int stepNo = t;
                h.gpu.optimizers.increment(step);
                h.ref.adamUpdate(p.on(h.ref), g.on(h.ref), m.on(h.ref), v.on(h.ref), 0.001, 0.9, 0.999, 1e-8, 0,
                        h.ref.upload(new int[] {stepNo}, 1));
                h.gpu.optimizers.adamUpdate(p.on(h.gpu), g.on(h.gpu), m.on(h.gpu), v.on(h.gpu), 0.001, 0.9, 0.999,
                        1e-8, 0, step);
            }
            assertThat(h.gpu.toInts(step)).containsExactly(3);
            h.check(p, ELEM, 1e-6, "adamUpdate, steps 1..3 from the counter");
            h.check(m, ELEM, 1e-7, "adamUpdate m, steps 1..3");
            h.check(v, ELEM, 1e-7, "adamUpdate v, steps 1..3");
        }
    }

    @Test
    void sgdUpdate() {
        try (CudaTwins h = new CudaTwins(206)) {
            for (int[] s : MATS) {
                for (double wd : new double[] {0, 0.05}) {
                    String what = " " + Arrays.toString(s) + " wd " + wd;
                    CudaTwins.T p = h.rand(s);
                    CudaTwins.T g = h.rand(s);
                    Tensor wantP = f32.upload(floats(h, p), s);
                    h.run(be -> be.sgdUpdate(p.on(be), g.on(be), 0.1, wd));
                    f32.sgdUpdate(wantP, f32.upload(floats(h, g), s), 0.1, wd);
                    h.check(p, ELEM, 1e-7, "sgdUpdate" + what);
                    assertBitIdentical(h.gpu.toFloats(p.on(h.gpu)), f32.toFloats(wantP), "sgdUpdate vs F32" + what);
                }
            }
            // Hand-picked, with decoupled weight decay: (1 - 0.1 * 0.5) p - 0.1 g.
            CudaTwins.T q = h.floats(new float[] {1f, -2f, 0.5f}, 3);
            CudaTwins.T gq = h.floats(new float[] {0.5f, -1f, 0f}, 3);
            h.run(be -> be.sgdUpdate(q.on(be), gq.on(be), 0.1, 0.5));
            h.check(q, ELEM, 0, "sgdUpdate hand-picked");
        }
    }

    /** The inputs p, g, m, v on the F32 reference. */
    private Tensor[] f32Inputs(CudaTwins h, int[] shape, CudaTwins.T... ts) {
        Tensor[] out = new Tensor[ts.length];
        for (int k = 0; k < ts.length; k++) {
            out[k] = f32.upload(floats(h, ts[k]), shape);
        }
        return out;
    }

    /** The largest distance in units in the last place between corresponding floats. */
    private static int maxUlps(float[] a, float[] b) {
        long worst = 0;
        for (int k = 0; k < a.length; k++) {
            worst = Math.max(worst, Math.abs(ordered(a[k]) - ordered(b[k])));
        }
        return (int) Math.min(Integer.MAX_VALUE, worst);
    }

    private static long ordered(float x) {
        int bits = Float.floatToRawIntBits(x);
        return bits < 0 ? (long) Integer.MIN_VALUE - bits : bits;
    }
}
