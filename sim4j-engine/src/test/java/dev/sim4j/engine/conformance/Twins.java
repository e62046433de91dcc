package dev.sim4j.engine.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.reference.ScalarBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * Runs one op on the reference ({@link ScalarBackend} in F64) and on every candidate backend (the CPU backend at 1, 2
 * and 4 threads, a GPU, ...), with the same input values on each, then checks the candidates' results against the
 * reference within a tolerance and against each other bit for bit. Every tensor is made as a view at an offset into
 * a larger one with guard values around it, so kernels that ignore offsets, or write past their view, fail.
 */
public final class Twins implements AutoCloseable {
    final Backend ref = new ScalarBackend(DType.F64);
    final List<Backend> candidates;
    final List<Backend> all = new ArrayList<>();
    final SplittableRandom rnd;
    /** The largest error seen, relative to the allowance, per op (printed by the tests). */
    double worst;

    /** Twins of the reference and {@code candidates}, drawing inputs from {@code seed}. */
    public Twins(long seed, List<Backend> candidates) {
        rnd = new SplittableRandom(seed);
        this.candidates = List.copyOf(candidates);
        all.add(ref);
        all.addAll(this.candidates);
    }

    /** One logical tensor: its instance on every backend, and the guarded tensor each instance is a view of. */
    final class T {
        final Tensor[] on;
        final Tensor[] parent;

        T(Tensor[] on, Tensor[] parent) {
            this.on = on;
            this.parent = parent;
        }

        Tensor on(Backend b) {
            return on[all.indexOf(b)];
        }

        int[] shape() {
            return on[0].shape();
        }
    }

    T floats(float[] v, int... shape) {
        Tensor[] ts = new Tensor[all.size()];
        float[] big = new float[v.length + 3];
        big[0] = 99f;
        big[1] = -99f;
        big[v.length + 2] = 77f;
        System.arraycopy(v, 0, big, 2, v.length);
        Tensor[] parents = new Tensor[all.size()];
        for (int k = 0; k < ts.length; k++) {
            parents[k] = all.get(k).upload(big, big.length);
            ts[k] = parents[k].rows(2, 2 + v.length).reshape(shape);
        }
        return new T(ts, parents);
    }

    /** A float tensor of NaN: an output every kernel must overwrite before reading (an overwritten output's poison). */
    T poisoned(int... shape) {
        float[] v = new float[size(shape)];
        Arrays.fill(v, Float.NaN);
        return floats(v, shape);
    }

    T ints(int[] v, int... shape) {
        Tensor[] ts = new Tensor[all.size()];
        int[] big = new int[v.length + 3];
        big[0] = 99;
        big[1] = -99;
        big[v.length + 2] = 77;
        System.arraycopy(v, 0, big, 2, v.length);
        Tensor[] parents = new Tensor[all.size()];
        for (int k = 0; k < ts.length; k++) {
            parents[k] = all.get(k).upload(big, big.length);
            ts[k] = parents[k].rows(2, 2 + v.length).reshape(shape);
        }
        return new T(ts, parents);
    }

    static int size(int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** Uniform in [lo, hi). */
    T uniform(double lo, double hi, int... shape) {
        float[] v = new float[size(shape)];
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return floats(v, shape);
    }

    T rand(int... shape) {
        return uniform(-1, 1, shape);
    }

    /** Zeros and ones, ones with probability {@code p}. */
    T mask(double p, int... shape) {
        float[] v = new float[size(shape)];
        for (int k = 0; k < v.length; k++) {
            v[k] = rnd.nextDouble() < p ? 1f : 0f;
        }
        return floats(v, shape);
    }

    T ids(int bound, int... shape) {
        int[] v = new int[size(shape)];
        for (int k = 0; k < v.length; k++) {
            v[k] = rnd.nextInt(bound);
        }
        return ints(v, shape);
    }

    T constant(float value, int... shape) {
        float[] v = new float[size(shape)];
        Arrays.fill(v, value);
        return floats(v, shape);
    }

    /** Runs the op on every backend. */
    void run(Consumer<Backend> op) {
        for (Backend b : all) {
            op.accept(b);
        }
    }

    /** Runs an op returning a double on every backend and checks the values. */
    void runScalar(ToDoubleFunction<Backend> op, double rtol, String what) {
        double want = op.applyAsDouble(ref);
        double first = Double.NaN;
        for (int k = 0; k < candidates.size(); k++) {
            double got = op.applyAsDouble(candidates.get(k));
            if (k == 0) {
                first = got;
            } else if (Double.doubleToLongBits(got) != Double.doubleToLongBits(first)) {
                fail("%s: threads differ: %s vs %s", what, first, got);
            }
            double allowed = rtol * Math.max(1, Math.abs(want));
            if (!(Math.abs(got - want) <= allowed)) {
                fail("%s: %s, reference %s", what, got, want);
            }
        }
    }

    /**
     * Checks out: each CPU value within {@code rtol |ref| + atol max(max|ref|, 1)} of the reference, and the CPU backends
     * bit-identical to one another.
     */
    void check(T out, double rtol, double atol, String what) {
        double[] want = ref.toDoubles(out.on(ref));
        double max = 0;
        for (double w : want) {
            max = Math.max(max, Math.abs(w));
        }
        float[] first = null;
        for (Backend cpu : candidates) {
            Tensor t = out.on(cpu);
            float[] got = cpu.toFloats(t);
            if (first == null) {
                first = got;
                for (int k = 0; k < got.length; k++) {
                    // Inputs are O(1), so float error is O(1e-7) per term even where the result cancels to a tiny value:
                    // the absolute part scales with max(|ref|, 1), not with a small result alone.
                    double allowed = rtol * Math.abs(want[k]) + atol * Math.max(max, 1.0) + 1e-30;
                    double err = Math.abs(got[k] - want[k]);
                    if (!(err <= allowed)) {
                        fail("%s %s: element %d is %s, reference %s (allowed error %s)", what,
                                Arrays.toString(out.shape()), k, got[k], want[k], allowed);
                    }
                    worst = Math.max(worst, err / allowed);
                }
            } else if (!Arrays.equals(first, got)) {
                int k = 0;
                while (Float.floatToIntBits(first[k]) == Float.floatToIntBits(got[k])) {
                    k++;
                }
                fail("%s %s: candidate %d (%s) differs from the first at %d: %s vs %s", what,
                        Arrays.toString(out.shape()), candidates.indexOf(cpu), cpu, k, got[k], first[k]);
            }
        }
        checkGuards(out, what);
    }

    /** The guard values around every instance's view must be untouched. */
    void checkGuards(T out, String what) {
        for (int k = 0; k < all.size(); k++) {
            Backend b = all.get(k);
            Tensor parent = out.parent[k];
            int last = (int) parent.size() - 1;
            if (parent.dtype() == DType.I32) {
                int[] v = b.toInts(parent);
                assertThat(new int[] {v[0], v[1], v[last]}).as(what + " guard on " + b.name())
                        .containsExactly(99, -99, 77);
            } else {
                double[] v = b.toDoubles(parent);
                assertThat(new double[] {v[0], v[1], v[last]}).as(what + " guard on " + b.name())
                        .containsExactly(99, -99, 77);
            }
        }
    }

    /** Exact check of an I32 output. */
    void checkInts(T out, String what) {
        int[] want = ref.toInts(out.on(ref));
        for (Backend cpu : candidates) {
            assertThat(cpu.toInts(out.on(cpu))).as(what + " on " + cpu.name()).containsExactly(want);
        }
        checkGuards(out, what);
    }

    @Override
    public void close() {
        for (Backend b : all) {
            b.close();
        }
    }
}
