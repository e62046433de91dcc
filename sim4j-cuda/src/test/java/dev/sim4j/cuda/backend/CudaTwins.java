package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sim4j.cuda.CudaLibraries;
import dev.sim4j.cuda.GpuTests;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.reference.ScalarBackend;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs one op on the reference ({@link ScalarBackend} in F64) and on the {@link CudaBackend}, with the same input
 * values on each, then checks the GPU result against the reference within a tolerance. Every tensor is a view at an
 * offset into a larger buffer with guard values around it, and every GPU {@code empty} tensor is NaN-poisoned, so a
 * kernel that ignores offsets, writes out of bounds or leaves an output element unwritten fails.
 */
public final class CudaTwins implements AutoCloseable {
    public final CudaLibraries libs;
    public final Backend ref = new ScalarBackend(DType.F64);
    public final CudaBackend gpu;
    public final List<Backend> all;
    public final SplittableRandom rnd;
    private final long seed;
    /** Guard values before each float view: 2 (an 8-byte offset), or 4 (16 bytes: views the kernels' 16-byte paths take). */
    private final int lead;

    /** Libraries (skipping the test without a GPU) and a backend with poisoned empty tensors and TF32 off. */
    public CudaTwins(long seed) {
        this(seed, false);
    }

    /**
     * As above; {@code alignedViews} puts each float view 16 bytes into its guarded buffer instead of 8, so that the
     * element-wise kernels take their eight-at-a-time path (common.cuh) on it.
     */
    public CudaTwins(long seed, boolean alignedViews) {
        this.lead = alignedViews ? 4 : 2;
        this.libs = GpuTests.librariesOrSkip();
        this.gpu = new CudaBackend(libs, 0, false, true, null);
        this.all = List.of(ref, gpu);
        this.seed = seed;
        this.rnd = new SplittableRandom(seed);
        System.out.println("[sim4j] CUDA kernel check, seed " + seed);
    }

    /** One logical tensor: its instance on the reference and on the GPU, plus the guarded buffer around it. */
    public final class T {
        final Tensor[] on;
        final Tensor[] whole;
        final int length;

        T(Tensor[] on, Tensor[] whole, int length) {
            this.on = on;
            this.whole = whole;
            this.length = length;
        }

        public Tensor on(Backend b) {
            return on[all.indexOf(b)];
        }

        public int[] shape() {
            return on[0].shape();
        }
    }

    public T floats(float[] v, int... shape) {
        Tensor[] ts = new Tensor[2];
        Tensor[] whole = new Tensor[2];
        float[] big = new float[v.length + lead + 1];
        for (int g = 0; g < lead; g++) {
            big[g] = g % 2 == 0 ? 99f : -99f;
        }
        big[v.length + lead] = 77f;
        System.arraycopy(v, 0, big, lead, v.length);
        for (int k = 0; k < 2; k++) {
            whole[k] = all.get(k).upload(big, big.length);
            ts[k] = whole[k].rows(lead, lead + v.length).reshape(shape);
        }
        return new T(ts, whole, v.length);
    }

    public T ints(int[] v, int... shape) {
        Tensor[] ts = new Tensor[2];
        Tensor[] whole = new Tensor[2];
        int[] big = new int[v.length + 3];
        big[0] = 12345;
        big[1] = -12345;
        big[v.length + 2] = 54321;
        System.arraycopy(v, 0, big, 2, v.length);
        for (int k = 0; k < 2; k++) {
            whole[k] = all.get(k).upload(big, big.length);
            ts[k] = whole[k].rows(2, 2 + v.length).reshape(shape);
        }
        return new T(ts, whole, v.length);
    }

    public static int size(int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** Uniform in [lo, hi). */
    public T uniform(double lo, double hi, int... shape) {
        float[] v = new float[size(shape)];
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return floats(v, shape);
    }

    public T rand(int... shape) {
        return uniform(-1, 1, shape);
    }

    /** Zeros and ones, ones with probability {@code p}. */
    public T mask(double p, int... shape) {
        float[] v = new float[size(shape)];
        for (int k = 0; k < v.length; k++) {
            v[k] = rnd.nextDouble() < p ? 1f : 0f;
        }
        return floats(v, shape);
    }

    public T ids(int bound, int... shape) {
        int[] v = new int[size(shape)];
        for (int k = 0; k < v.length; k++) {
            v[k] = rnd.nextInt(bound);
        }
        return ints(v, shape);
    }

    public T constant(float value, int... shape) {
        float[] v = new float[size(shape)];
        Arrays.fill(v, value);
        return floats(v, shape);
    }

    /** An output the op overwrites: NaN on both sides, so an unwritten element fails the check. */
    public T output(int... shape) {
        return constant(Float.NaN, shape);
    }

    /** Runs the op on both backends. */
    public void run(Consumer<Backend> op) {
        for (Backend b : all) {
            op.accept(b);
        }
    }

    /**
     * Checks out: each GPU value within {@code rtol |ref| + atol max(max|ref|, 1)} of the reference (NaN never
     * passes), and the guard values around the view untouched.
     */
    public void check(T out, double rtol, double atol, String what) {
        double[] want = ref.toDoubles(out.on(ref));
        double max = 0;
        for (double w : want) {
            max = Math.max(max, Math.abs(w));
        }
        float[] got = gpu.toFloats(out.on(gpu));
        for (int k = 0; k < got.length; k++) {
            double allowed = rtol * Math.abs(want[k]) + atol * Math.max(max, 1.0) + 1e-30;
            double err = Math.abs(got[k] - want[k]);
            if (!(err <= allowed)) {
                fail("%s %s (seed %d): element %d is %s, reference %s (allowed error %s)", what,
                        Arrays.toString(out.shape()), seed, k, got[k], want[k], allowed);
            }
        }
        checkGuards(out, what);
    }

    /** The guard values around the GPU instance of a float tensor are untouched. */
    public void checkGuards(T out, String what) {
        float[] whole = gpu.toFloats(out.whole[1]);
        int lead = whole.length - out.length - 1;
        for (int g = 0; g < lead; g++) {
            assertThat(whole[g]).as(what + " guard").isEqualTo(g % 2 == 0 ? 99f : -99f);
        }
        assertThat(whole[out.length + lead]).as(what + " guard").isEqualTo(77f);
    }

    /** Exact check of an I32 output (and its guards). */
    public void checkInts(T out, String what) {
        int[] want = ref.toInts(out.on(ref));
        sameInts(gpu.toInts(out.on(gpu)), want, what + " (seed " + seed + ")");
        int[] whole = gpu.toInts(out.whole[1]);
        assertThat(whole[0]).as(what + " guard").isEqualTo(12345);
        assertThat(whole[out.length + 2]).as(what + " guard").isEqualTo(54321);
    }

    /**
     * Fails unless the arrays are equal, naming the first mismatches: AssertJ's {@code containsExactly} builds a diff
     * that is quadratic in the length, far too slow for the millions of values of model-sized cases.
     */
    public static void sameInts(int[] actual, int[] expected, String what) {
        if (Arrays.equals(actual, expected)) {
            return;
        }
        StringBuilder where = new StringBuilder();
        int count = 0;
        for (int i = 0; i < Math.max(actual.length, expected.length); i++) {
            String a = i < actual.length ? Integer.toString(actual[i]) : "none";
            String e = i < expected.length ? Integer.toString(expected[i]) : "none";
            if (!a.equals(e) && count++ < 5) {
                where.append(String.format(" [%d] %s, expected %s;", i, a, e));
            }
        }
        fail("%s: %d of %d values differ:%s", what, count, expected.length, where);
    }

    /** As {@link #sameInts}, for floats compared bit for bit. */
    public static void sameBits(float[] actual, float[] expected, String what) {
        int[] a = new int[actual.length];
        int[] e = new int[expected.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = Float.floatToRawIntBits(actual[i]);
        }
        for (int i = 0; i < e.length; i++) {
            e[i] = Float.floatToRawIntBits(expected[i]);
        }
        sameInts(a, e, what + " (float bits)");
    }

    /** Exact check of a float output against the reference (bit-identical values where the kernel is exact). */
    public void checkExact(T out, String what) {
        check(out, 0, 0, what);
    }

    /** Runs op twice on the GPU from the current state of out and requires bit-identical results. */
    public void checkDeterministic(T out, Consumer<Backend> op, String what) {
        Tensor t = out.on(gpu);
        float[] before = gpu.toFloats(t);
        op.accept(gpu);
        float[] first = gpu.toFloats(t);
        gpu.write(t, before);
        op.accept(gpu);
        float[] second = gpu.toFloats(t);
        for (int k = 0; k < first.length; k++) {
            if (Float.floatToRawIntBits(first[k]) != Float.floatToRawIntBits(second[k])) {
                throw new AssertionError(what + " not deterministic at " + k + ": " + first[k] + " then "
                        + second[k]);
            }
        }
    }

    @Override
    public void close() {
        gpu.close();
        libs.close();
    }
}
