package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sim4j.cuda.CudaLibraries;
import dev.sim4j.cuda.GpuTests;
import dev.sim4j.engine.BFloat16;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs one op twice on the GPU, once with float32 activations and once with bfloat16 activations holding the same
 * values (inputs are drawn as bfloat16 values, so both runs see identical numbers), and checks the contract of the
 * bfloat16 kernel builds (common.cuh): each bfloat16 output is the float32 run's output rounded to bfloat16, bit for
 * bit, and each float32 output (parameter gradients, losses) is the float32 run's, bit for bit. The float32 builds
 * are checked against the scalar reference by the other GPU tests, so this chains the bfloat16 builds to it. Every
 * tensor is a view with guard values around it, and every empty output is NaN-poisoned.
 */
public final class MixedPrecisionTwins implements AutoCloseable {
    /** Which run: the side's activation type. */
    public enum Side {
        F32(DType.F32), BF16(DType.BF16);

        final DType act;

        Side(DType act) {
            this.act = act;
        }
    }

    /** One logical tensor with an instance per run; {@code activation} says which type the bfloat16 run gives it. */
    public final class Pair {
        private final Tensor[] on = new Tensor[2];
        private final Tensor[] whole = new Tensor[2];
        private final int length;
        private final boolean activation;

        Pair(float[] values, boolean activation, int... shape) {
            this.length = values.length;
            this.activation = activation;
            for (Side side : Side.values()) {
                float[] big = new float[length + 3];
                big[0] = 99f;
                big[1] = -99f;
                big[length + 2] = 77f;
                System.arraycopy(values, 0, big, 2, length);
                DType type = activation ? side.act : DType.F32;
                Tensor w = gpu.zeros(type, big.length);
                gpu.write(w, big);
                whole[side.ordinal()] = w;
                on[side.ordinal()] = w.rows(2, 2 + length).reshape(shape);
            }
        }

        /** This tensor in the run {@code side}. */
        public Tensor on(Side side) {
            return on[side.ordinal()];
        }

        public int[] shape() {
            return on[0].shape();
        }
    }

    public final CudaLibraries libs;
    public final CudaBackend gpu;
    public final SplittableRandom rnd;

    /** A backend with poisoned empty tensors and TF32 off (skips the test without a GPU). */
    public MixedPrecisionTwins(long seed) {
        this.libs = GpuTests.librariesOrSkip();
        this.gpu = new CudaBackend(libs, 0, false, true, null, DType.BF16);
        this.rnd = new SplittableRandom(seed);
        System.out.println("[sim4j] mixed-precision kernel check, seed " + seed);
    }

    /** Uniform bfloat16 values in [lo, hi). */
    public float[] values(double lo, double hi, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = BFloat16.round((float) (lo + (hi - lo) * rnd.nextDouble()));
        }
        return v;
    }

    /** An activation input, uniform in [-1, 1). */
    public Pair act(int... shape) {
        return new Pair(values(-1, 1, CudaTwins.size(shape)), true, shape);
    }

    /** An activation input with the given (bfloat16) values. */
    public Pair act(float[] values, int... shape) {
        for (float v : values) {
            if (BFloat16.round(v) != v && !Float.isNaN(v)) {
                throw new IllegalArgumentException("not a bfloat16 value: " + v);
            }
        }
        return new Pair(values, true, shape);
    }

    /** An activation mask of 0 and 1 (1 with probability p). */
    public Pair mask(double p, int... shape) {
        float[] v = new float[CudaTwins.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextDouble() < p ? 1f : 0f;
        }
        return new Pair(v, true, shape);
    }

    /** A float32 parameter (or parameter gradient), uniform in [-1, 1), the same values in both runs. */
    public Pair param(int... shape) {
        return new Pair(values(-1, 1, CudaTwins.size(shape)), false, shape);
    }

    /** An activation output, NaN-poisoned (as the backend's empty tensors are). */
    public Pair actOutput(int... shape) {
        float[] nan = new float[CudaTwins.size(shape)];
        Arrays.fill(nan, Float.NaN);
        return new Pair(nan, true, shape);
    }

    /** Runs {@code op} once per side. */
    public void run(Consumer<Side> op) {
        op.accept(Side.F32);
        op.accept(Side.BF16);
    }

    /**
     * The contract: the bfloat16 run's values of {@code out} are the float32 run's rounded to bfloat16 (for an
     * activation; equal for a float32 tensor), bit for bit, and the guards are intact in both.
     */
    public void check(Pair out, String what) {
        float[] wide = gpu.toFloats(out.whole[Side.F32.ordinal()]);
        float[] narrow = gpu.toFloats(out.whole[Side.BF16.ordinal()]);
        for (float[] w : new float[][] {wide, narrow}) {
            assertThat(w[0]).as(what + " guard").isEqualTo(99f);
            assertThat(w[1]).as(what + " guard").isEqualTo(-99f);
            assertThat(w[out.length + 2]).as(what + " guard").isEqualTo(77f);
        }
        for (int k = 0; k < out.length; k++) {
            float want = out.activation ? BFloat16.round(wide[k + 2]) : wide[k + 2];
            float got = narrow[k + 2];
            if (Float.floatToIntBits(want) != Float.floatToIntBits(got)) {
                fail("%s %s: element %d of the bfloat16 run is %s, the float32 run's %s rounds to %s", what,
                        Arrays.toString(out.shape()), k, got, wide[k + 2], want);
            }
        }
    }

    /**
     * The contract of the kernels whose element math the bfloat16 build does in float instead of double (the
     * activations and their backwards, the recurrent cells; common.cuh): each bfloat16 output is within one
     * bfloat16 rounding (2^-8 relative) of the float32 run's output plus {@code 1e-6} of the tensor's largest
     * magnitude (float's own error where terms cancel), guards intact.
     */
    public void checkClose(Pair out, String what) {
        float[] wide = gpu.toFloats(out.whole[Side.F32.ordinal()]);
        float[] narrow = gpu.toFloats(out.whole[Side.BF16.ordinal()]);
        for (float[] w : new float[][] {wide, narrow}) {
            assertThat(w[0]).as(what + " guard").isEqualTo(99f);
            assertThat(w[1]).as(what + " guard").isEqualTo(-99f);
            assertThat(w[out.length + 2]).as(what + " guard").isEqualTo(77f);
        }
        double scale = 0;
        for (int k = 0; k < out.length; k++) {
            scale = Math.max(scale, Math.abs(wide[k + 2]));
        }
        for (int k = 0; k < out.length; k++) {
            double want = wide[k + 2];
            double got = narrow[k + 2];
            double allowed = 0x1p-8 * Math.abs(want) + 1e-6 * scale;
            if (!(Math.abs(got - want) <= allowed)) {
                fail("%s %s: element %d of the bfloat16 run is %s, the float32 run's %s (allowed %s)", what,
                        Arrays.toString(out.shape()), k, got, want, allowed);
            }
        }
    }

    /** The bfloat16 runs of two pairs hold the same bits (a fused op against its composition). */
    public void sameBits(Pair a, Pair b, String what) {
        float[] x = gpu.toFloats(a.on(Side.BF16));
        float[] y = gpu.toFloats(b.on(Side.BF16));
        for (int k = 0; k < x.length; k++) {
            if (Float.floatToIntBits(x[k]) != Float.floatToIntBits(y[k])) {
                fail("%s %s: element %d is %s and %s", what, Arrays.toString(a.shape()), k, x[k], y[k]);
            }
        }
    }

    /**
     * The bfloat16 run's values of {@code out} are within {@code rtol} (relative to the float32 run's largest
     * magnitude) of the float32 run's: for products, whose order of float additions is cuBLAS's own.
     */
    public void near(Pair out, double rtol, String what) {
        float[] wide = gpu.toFloats(out.on(Side.F32));
        float[] narrow = gpu.toFloats(out.on(Side.BF16));
        double scale = 0;
        for (float w : wide) {
            scale = Math.max(scale, Math.abs(w));
        }
        for (int k = 0; k < wide.length; k++) {
            if (!(Math.abs(wide[k] - narrow[k]) <= rtol * scale)) {
                fail("%s %s: element %d of the bfloat16 run is %s, the float32 run's %s (scale %s, rtol %s)", what,
                        Arrays.toString(out.shape()), k, narrow[k], wide[k], scale, rtol);
            }
        }
    }

    @Override
    public void close() {
        gpu.close();
    }
}
