package dev.sim4j.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * Runs one op on the reference ({@link ScalarBackend} in F64) and on {@link CpuBackend} at 1, 2 and 4 threads, with
 * the same input values on each, then checks the CPU results against the reference within a tolerance and against
 * each other bit for bit. Every tensor is made as a view at an offset into a larger array, so kernels that ignore
 * offsets fail.
 */
final class Twins implements AutoCloseable {
    final Backend ref = new ScalarBackend(DType.F64);
    final List<Backend> cpus = List.of(new CpuBackend(1), new CpuBackend(2), new CpuBackend(4));
    final List<Backend> all = new ArrayList<>();
    final SplittableRandom rnd;
    /** The largest error seen, relative to the allowance, per op (printed by the tests). */
    double worst;

    Twins(long seed) {
        rnd = new SplittableRandom(seed);
        all.add(ref);
        all.addAll(cpus);
    }

    /** One logical tensor: its instance on every backend. */
    final class T {
        final Tensor[] on;

        T(Tensor[] on) {
            this.on = on;
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
        for (int k = 0; k < ts.length; k++) {
            ts[k] = all.get(k).upload(big, big.length).rows(2, 2 + v.length).reshape(shape);
        }
        return new T(ts);
    }

    T ints(int[] v, int... shape) {
        Tensor[] ts = new Tensor[all.size()];
        int[] big = new int[v.length + 3];
        System.arraycopy(v, 0, big, 2, v.length);
        for (int k = 0; k < ts.length; k++) {
            ts[k] = all.get(k).upload(big, big.length).rows(2, 2 + v.length).reshape(shape);
        }
        return new T(ts);
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
        for (int k = 0; k < cpus.size(); k++) {
            double got = op.applyAsDouble(cpus.get(k));
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
        for (Backend cpu : cpus) {
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
                fail("%s %s: %s differs from 1 thread at %d: %s vs %s", what, Arrays.toString(out.shape()),
                        ((CpuBackend) cpu).threads() + " threads", k, got[k], first[k]);
            }
        }
        // The guard values around the view must be untouched.
        for (Backend b : all) {
            CpuTensor c = (CpuTensor) out.on(b);
            if (c.dtype == DType.F32) {
                assertThat(c.f[c.offset - 2]).as(what + " guard").isEqualTo(99f);
                assertThat(c.f[c.offset + c.size]).as(what + " guard").isEqualTo(77f);
            } else if (c.dtype == DType.F64) {
                assertThat(c.d[c.offset - 2]).as(what + " guard").isEqualTo(99.0);
                assertThat(c.d[c.offset + c.size]).as(what + " guard").isEqualTo(77.0);
            }
        }
    }

    /** Exact check of an I32 output. */
    void checkInts(T out, String what) {
        int[] want = ref.toInts(out.on(ref));
        for (Backend cpu : cpus) {
            assertThat(cpu.toInts(out.on(cpu))).as(what + " on " + cpu.name()).containsExactly(want);
        }
    }

    @Override
    public void close() {
        for (Backend b : all) {
            b.close();
        }
    }
}
