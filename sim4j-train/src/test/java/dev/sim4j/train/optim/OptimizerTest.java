package dev.sim4j.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.engine.reference.ScalarBackend;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.params.ParameterSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The optimizers against numbers worked out by hand, the lazy/dense Adam relation, CPU backend against the float64
 * reference, thread-count independence and bit-exact resume from saved state. Random tests print their seed;
 * {@code -Dsim4j.seed=N} repeats one.
 */
class OptimizerTest {
    static final long SEED = Long.getLong("sim4j.seed", 20260321L);

    static ParameterSet single(Backend be, String name, double[] value, double[] grad) {
        ParameterSet ps = new ParameterSet();
        ps.add(new Parameter(name, be.upload(value, value.length), be.upload(grad, grad.length)));
        return ps;
    }

    @Test
    void adamOneAndTwoStepsByHand() {
        // lr 0.01, beta1 0.9, beta2 0.999, eps 1e-7; p = (1, -0.5, 2).
        // Step 1, g = (0.1, -0.2, 0): m = 0.1 g = (0.01, -0.02, 0); v = 0.001 g^2 = (1e-5, 4e-5, 0);
        //   lr_t = 0.01 sqrt(1 - 0.999) / (1 - 0.9) = 0.1 sqrt(0.001) = 0.0031622776601683794;
        //   p -= lr_t m / (sqrt(v) + eps): p0 = 1 - lr_t 0.01 / (0.0031622776601683794 + 1e-7) = 0.99000031621776...,
        //   p1 = -0.5 + lr_t 0.02 / (0.0063245553203367588 + 1e-7) = -0.49000015811138..., p2 stays 2 (m = 0).
        // Step 2, g = (0.3, 0.1, -0.4): m = 0.9 m + 0.1 g = (0.039, -0.008, -0.04);
        //   v = 0.999 v + 0.001 g^2 = (9.999e-5, 4.996e-5, 1.6e-4);
        //   lr_t = 0.01 sqrt(1 - 0.999^2) / (1 - 0.9^2) = 0.01 sqrt(0.001999) / 0.19 = 0.0023531672532745...;
        //   p0 = 0.99000031621776 - lr_t 0.039 / (sqrt(9.999e-5) + 1e-7) = 0.98082259680974...,
        //   p1 = -0.49000015811138 + lr_t 0.008 / (sqrt(4.996e-5) + 1e-7) = -0.48733682539506...,
        //   p2 = 2 + lr_t 0.04 / (0.012649110640673518 + 1e-7) = 2.00744130940695...
        double[] step1 = {0.9900003162177663, -0.49000015811138303, 2.0};
        double[] step2 = {0.9808225968097466, -0.4873368253950666, 2.0074413094069534};
        for (Backend be : List.<Backend>of(new ScalarBackend(DType.F64), new CpuBackend(2))) {
            double tol = be.floatType() == DType.F64 ? 1e-12 : 1e-6;
            ParameterSet ps = single(be, "w", new double[] {1, -0.5, 2}, new double[] {0.1, -0.2, 0});
            Optimizer adam = Optimizers.create("adam", 0.01, 0);
            adam.step(ps);
            assertThat(adam.steps()).isEqualTo(1);
            assertThat(be.toDoubles(ps.get("w").value())).as(be.name()).containsExactly(step1, offset(tol));
            Map<String, Tensor> state = adam.state(ps);
            assertThat(be.toDoubles(state.get("w.m"))).containsExactly(new double[] {0.01, -0.02, 0}, offset(tol * 1e-2));
            assertThat(be.toDoubles(state.get("w.v"))).containsExactly(new double[] {1e-5, 4e-5, 0}, offset(tol * 1e-4));
            be.write(ps.get("w").grad(), new double[] {0.3, 0.1, -0.4});
            adam.step(ps);
            assertThat(be.toDoubles(ps.get("w").value())).as(be.name()).containsExactly(step2, offset(tol));
            assertThat(be.toDoubles(state.get("w.m"))).containsExactly(new double[] {0.039, -0.008, -0.04},
                    offset(tol * 1e-2));
            assertThat(be.toDoubles(state.get("w.v"))).containsExactly(new double[] {9.999e-5, 4.996e-5, 1.6e-4},
                    offset(tol * 1e-4));
            // Gradients are left untouched.
            assertThat(be.toDoubles(ps.get("w").grad())).containsExactly(new double[] {0.3, 0.1, -0.4}, offset(tol));
        }
    }

    @Test
    void adamWithDecoupledWeightDecay() {
        // wd 0.5, lr 0.01: p first shrinks by lr wd = 0.005 to (0.995, -0.4975, 1.99), then the step-1 Adam move of
        // adamOneAndTwoStepsByHand (-0.0099996838, +0.0099998419, 0) is added unchanged.
        Backend be = new ScalarBackend(DType.F64);
        ParameterSet ps = single(be, "w", new double[] {1, -0.5, 2}, new double[] {0.1, -0.2, 0});
        Optimizer adam = Optimizers.create("adam", 0.01, 0.5);
        adam.step(ps);
        assertThat(be.toDoubles(ps.get("w").value()))
                .containsExactly(new double[] {0.9850003162177663, -0.48750015811138303, 1.99}, offset(1e-12));
    }

    @Test
    void sgdByHand() {
        // p -= lr wd p, then p -= lr g: lr 0.1, wd 0.2 -> 0.98 p - 0.1 g.
        for (Backend be : List.<Backend>of(new ScalarBackend(DType.F64), new CpuBackend(1))) {
            ParameterSet ps = single(be, "w", new double[] {1, -0.5, 2}, new double[] {0.1, -0.2, 0});
            Optimizer sgd = Optimizers.create("sgd", 0.1, 0.2);
            sgd.step(ps);
            sgd.step(ps);
            // Step 1: (0.98 - 0.01, -0.49 + 0.02, 1.96) = (0.97, -0.47, 1.96);
            // step 2: (0.9506 - 0.01, -0.4606 + 0.02, 1.9208) = (0.9406, -0.4406, 1.9208).
            assertThat(be.toDoubles(ps.get("w").value())).containsExactly(new double[] {0.9406, -0.4406, 1.9208},
                    offset(1e-6));
            assertThat(sgd.state(ps)).isEmpty();
            assertThat(sgd.steps()).isEqualTo(2);
        }
    }

    @Test
    void namesAndState() {
        assertThat(Optimizers.create("adam", 0.01, 0).name()).isEqualTo("adam");
        assertThat(Optimizers.create("lazy_adam", 0.01, 0).name()).isEqualTo("lazy_adam");
        assertThat(Optimizers.create("sgd", 0.01, 0).name()).isEqualTo("sgd");
        assertThatThrownBy(() -> Optimizers.create("adagrad", 0.01, 0)).hasMessageContaining("adam, lazy_adam, sgd");
        Backend be = new CpuBackend(1);
        ParameterSet ps = model(be, new SplittableRandom(1), 5, 3);
        Map<String, Tensor> state = Optimizers.create("adam", 0.01, 0).state(ps);
        assertThat(state.keySet()).containsExactly("embedding.item.m", "embedding.item.v", "dense.kernel.m",
                "dense.kernel.v");
        assertThat(state.get("embedding.item.v").shape()).containsExactly(5, 3);
        assertThat(be.toFloats(state.get("dense.kernel.m"))).containsOnly(0f);
        // Lazy Adam needs the touched rows of each table before each step.
        Optimizer lazy = Optimizers.create("lazy_adam", 0.01, 0);
        assertThatThrownBy(() -> lazy.step(ps)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("embedding.item");
    }

    /** An embedding table [R,E] and a dense kernel [7,9], with random values and gradients. */
    static ParameterSet model(Backend be, SplittableRandom rnd, int r, int e) {
        ParameterSet ps = new ParameterSet();
        ps.add(new Parameter("embedding.item", be.upload(random(rnd, r * e), r, e), be.upload(random(rnd, r * e), r, e)));
        ps.add(new Parameter("dense.kernel", be.upload(random(rnd, 63), 7, 9), be.upload(random(rnd, 63), 7, 9)));
        return ps;
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }

    @Test
    void lazyAdamTouchesOnlyTheBatchRows() {
        System.out.println("OptimizerTest seed = " + SEED);
        for (Backend be : List.<Backend>of(new ScalarBackend(DType.F64), new CpuBackend(2))) {
            SplittableRandom rnd = new SplittableRandom(SEED);
            ParameterSet ps = model(be, rnd, 10, 4);
            LazyAdam lazy = new LazyAdam(0.01, 0.1);
            Parameter table = ps.get("embedding.item");
            Tensor ids = be.upload(new int[] {7, 2, 7, 0, 2}, 5);
            for (int step = 0; step < 2; step++) {
                float[] before = be.toFloats(table.value());
                Map<String, Tensor> state = lazy.state(ps);
                float[] mBefore = be.toFloats(state.get("embedding.item.m"));
                float[] vBefore = be.toFloats(state.get("embedding.item.v"));
                LazyAdam.TouchedRows rows = LazyAdam.touchedRows(table.value(), List.of(ids));
                assertThat(be.toInts(rows.count())).containsExactly(3);
                assertThat(Arrays.copyOf(be.toInts(rows.rows()), 3)).containsExactly(0, 2, 7);
                lazy.setTouchedRows(Map.of("embedding.item", rows));
                lazy.step(ps);
                float[] after = be.toFloats(table.value());
                float[] mAfter = be.toFloats(state.get("embedding.item.m"));
                float[] vAfter = be.toFloats(state.get("embedding.item.v"));
                for (int row = 0; row < 10; row++) {
                    float[][] pairs = {
                        Arrays.copyOfRange(before, row * 4, row * 4 + 4), Arrays.copyOfRange(after, row * 4, row * 4 + 4),
                        Arrays.copyOfRange(mBefore, row * 4, row * 4 + 4), Arrays.copyOfRange(mAfter, row * 4, row * 4 + 4),
                        Arrays.copyOfRange(vBefore, row * 4, row * 4 + 4), Arrays.copyOfRange(vAfter, row * 4, row * 4 + 4)};
                    boolean touched = row == 0 || row == 2 || row == 7;
                    for (int q = 0; q < 6; q += 2) {
                        if (touched) {
                            assertThat(pairs[q + 1]).as(be.name() + " row " + row).isNotEqualTo(pairs[q]);
                        } else {
                            assertThat(pairs[q + 1]).as(be.name() + " row " + row).isEqualTo(pairs[q]);
                        }
                    }
                }
            }
            assertThat(lazy.steps()).isEqualTo(2);
        }
    }

    @Test
    void lazyAdamEqualsAdamWhenEveryRowIsTouched() {
        Backend be = new CpuBackend(2);
        ParameterSet dense = model(be, new SplittableRandom(SEED), 300, 18);
        ParameterSet sparse = model(be, new SplittableRandom(SEED), 300, 18);
        Adam adam = new Adam(0.01, 0.02);
        LazyAdam lazy = new LazyAdam(0.01, 0.02);
        int[] all = new int[600];
        for (int k = 0; k < all.length; k++) {
            all[k] = (k * 7) % 300;
        }
        for (int step = 0; step < 3; step++) {
            adam.step(dense);
            LazyAdam.TouchedRows rows = LazyAdam.touchedRows(sparse.get("embedding.item").value(),
                    List.of(be.upload(all, 600)));
            assertThat(be.toInts(rows.count())).containsExactly(300);
            lazy.setTouchedRows(Map.of("embedding.item", rows));
            lazy.step(sparse);
        }
        assertThat(snapshot(be, sparse, lazy)).isEqualTo(snapshot(be, dense, adam));
    }

    /** Every parameter and state tensor as floats, by name. */
    static Map<String, List<Float>> snapshot(Backend be, ParameterSet ps, Optimizer opt) {
        Map<String, List<Float>> out = new LinkedHashMap<>();
        for (Parameter p : ps.all()) {
            out.put(p.name(), boxed(be.toFloats(p.value())));
        }
        opt.state(ps).forEach((k, t) -> out.put(k, boxed(be.toFloats(t))));
        return out;
    }

    static List<Float> boxed(float[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (float f : v) {
            out.add(f);
        }
        return out;
    }

    /**
     * Three steps of {@code name} on a model whose table is big enough to split into many chunks, with fresh random
     * gradients and (for lazy_adam) touched rows each step; optionally saved after two steps and resumed into a fresh
     * optimizer and fresh parameters.
     */
    static Map<String, List<Float>> train(Backend be, String name, boolean resume) {
        SplittableRandom rnd = new SplittableRandom(SEED);
        int r = 3000;
        int e = 18;
        ParameterSet ps = model(be, rnd, r, e);
        Optimizer opt = Optimizers.create(name, 0.01, 0.01);
        for (int step = 0; step < 3; step++) {
            if (resume && step == 2) {
                List<float[]> values = ps.all().stream().map(p -> be.toFloats(p.value())).toList();
                Map<String, float[]> saved = new LinkedHashMap<>();
                opt.state(ps).forEach((k, t) -> saved.put(k, be.toFloats(t)));
                long steps = opt.steps();
                ParameterSet fresh = model(be, new SplittableRandom(99), r, e);
                for (int k = 0; k < values.size(); k++) {
                    be.write(fresh.all().get(k).value(), values.get(k));
                }
                ps = fresh;
                opt = Optimizers.create(name, 0.01, 0.01);
                Map<String, Tensor> state = opt.state(ps);
                assertThat(state.keySet()).isEqualTo(saved.keySet());
                saved.forEach((k, v) -> be.write(state.get(k), v));
                opt.restoreSteps(steps);
            }
            for (Parameter p : ps.all()) {
                be.write(p.grad(), random(rnd, (int) p.size()));
            }
            int[] ids = new int[2500];
            for (int k = 0; k < ids.length; k++) {
                ids[k] = rnd.nextInt(r);
            }
            if (opt instanceof LazyAdam lazy) {
                Tensor table = ps.get("embedding.item").value();
                lazy.setTouchedRows(Map.of("embedding.item",
                        LazyAdam.touchedRows(table, List.of(be.upload(ids, 2000).rows(0, 1000), be.upload(ids, 2500)
                                .rows(2000, 2500)))));
            }
            opt.step(ps);
        }
        assertThat(opt.steps()).isEqualTo(3);
        return snapshot(be, ps, opt);
    }

    @Test
    void cpuAgreesWithReferenceAndIsThreadIndependent() {
        for (String name : Optimizers.NAMES) {
            Map<String, List<Float>> ref = train(new ScalarBackend(DType.F64), name, false);
            Map<String, List<Float>> one = null;
            for (int threads : new int[] {1, 2, 4}) {
                try (CpuBackend be = new CpuBackend(threads)) {
                    Map<String, List<Float>> got = train(be, name, false);
                    if (one == null) {
                        one = got;
                        assertClose(got, ref, name);
                    } else {
                        assertThat(got).as(name + " on " + threads + " threads").isEqualTo(one);
                    }
                }
            }
        }
    }

    static void assertClose(Map<String, List<Float>> got, Map<String, List<Float>> want, String what) {
        assertThat(got.keySet()).isEqualTo(want.keySet());
        got.forEach((k, v) -> {
            List<Float> w = want.get(k);
            for (int i = 0; i < v.size(); i++) {
                assertThat(v.get(i)).as(what + " " + k + "[" + i + "]").isCloseTo(w.get(i),
                        offset(1e-5f * Math.max(1f, Math.abs(w.get(i)))));
            }
        });
    }

    @Test
    void resumeFromSavedStateIsBitExact() {
        for (String name : Optimizers.NAMES) {
            try (CpuBackend be = new CpuBackend(2)) {
                assertThat(train(be, name, true)).as(name).isEqualTo(train(be, name, false));
            }
        }
    }
}
