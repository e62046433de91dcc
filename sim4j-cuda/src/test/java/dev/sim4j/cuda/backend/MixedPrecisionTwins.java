package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sim4j.cuda.CudaLibraries;
import dev.sim4j.cuda.GpuTests;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.HalfFloats;
import dev.sim4j.engine.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs one op twice on the GPU, once with float32 activations and once with 16-bit activations (bfloat16 or float16,
 * the twins' {@link #half} type) holding the same values (inputs are drawn as values of that type, so both runs see
 * identical numbers), and checks the contract of the 16-bit kernel builds (common.cuh): each 16-bit output is the
 * float32 run's output rounded to the type, bit for bit, and each float32 output (parameter gradients, losses) is the
 * float32 run's, bit for bit. The float32 builds are checked against the scalar reference by the other GPU tests, so
 * this chains the 16-bit builds to it. Every tensor is a view with guard values around it, and every empty output is
 * NaN-poisoned.
 */
public final class MixedPrecisionTwins implements AutoCloseable {
    /** Which run: float32 activations, or the twins' 16-bit type. */
    public enum Side {
        F32, HALF
    }

    /** One logical tensor with an instance per run; {@code activation} says whether the 16-bit run gives it that type. */
    public final class Pair {
        private final Tensor[] on = new Tensor[2];
        private final Tensor[] whole = new Tensor[2];
        private final int length;
        private final boolean activation;

        Pair(float[] values, boolean activation, int... shape) {
            this.length = values.length;
            this.activation = activation;
            for (Side side : Side.values()) {
                float[] big = new float[length + lead + 1];
                for (int g = 0; g < lead; g++) {
                    big[g] = g % 2 == 0 ? 99f : -99f;
                }
                big[length + lead] = 77f;
                System.arraycopy(values, 0, big, lead, length);
                DType type = activation && side == Side.HALF ? half : DType.F32;
                Tensor w = gpu.zeros(type, big.length);
                gpu.write(w, big);
                whole[side.ordinal()] = w;
                on[side.ordinal()] = w.rows(lead, lead + length).reshape(shape);
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
    /** The 16-bit run's activation type: BF16 or F16. */
    public final DType half;
    /** Guard values before each view: 2, or 8 (16 bytes of a 16-bit type: views the 16-byte kernel paths take). */
    private final int lead;

    /** Bfloat16 twins. */
    public MixedPrecisionTwins(long seed) {
        this(seed, DType.BF16);
    }

    /** A backend with {@code half} activations, poisoned empty tensors and TF32 off (skips without a GPU). */
    public MixedPrecisionTwins(long seed, DType half) {
        this(seed, half, false);
    }

    /** As above; {@code alignedViews} puts each view 16 bytes (of the 16-bit type) into its guarded buffer. */
    public MixedPrecisionTwins(long seed, DType half, boolean alignedViews) {
        this.lead = alignedViews ? 8 : 2;
        if (!half.halfWidth()) {
            throw new IllegalArgumentException("twins of float32 and a 16-bit type, not " + half);
        }
        this.half = half;
        this.libs = GpuTests.librariesOrSkip();
        this.gpu = new CudaBackend(libs, 0, false, true, null, half);
        this.rnd = new SplittableRandom(seed);
        System.out.println("[sim4j] mixed-precision kernel check (" + half + "), seed " + seed);
    }

    /** {@code v} rounded to the 16-bit type (nearest, ties to even), as a float. */
    public float round(float v) {
        return HalfFloats.round(half, v);
    }

    /** One rounding of the 16-bit type, relative: 2^-8 for bfloat16 (8 bits of significand), 2^-11 for float16. */
    public double unitRoundoff() {
        return half == DType.BF16 ? 0x1p-8 : 0x1p-11;
    }

    /** The smallest positive value of the 16-bit type (a subnormal). */
    public float tiny() {
        return half == DType.BF16 ? Float.intBitsToFloat(0x00010000) : 0x1p-24f;
    }

    /** The largest finite value of the 16-bit type. */
    public float largest() {
        return half == DType.BF16 ? Float.intBitsToFloat(0x7f7f0000) : 65504f;
    }

    /** Uniform values of the 16-bit type in [lo, hi). */
    public float[] values(double lo, double hi, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = round((float) (lo + (hi - lo) * rnd.nextDouble()));
        }
        return v;
    }

    /** An activation input, uniform in [-1, 1). */
    public Pair act(int... shape) {
        return new Pair(values(-1, 1, CudaTwins.size(shape)), true, shape);
    }

    /** An activation input with the given values (of the 16-bit type). */
    public Pair act(float[] values, int... shape) {
        for (float v : values) {
            if (round(v) != v && !Float.isNaN(v)) {
                throw new IllegalArgumentException("not a " + half + " value: " + v);
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
        op.accept(Side.HALF);
    }

    /**
     * The contract: the 16-bit run's values of {@code out} are the float32 run's rounded to the type (for an
     * activation; equal for a float32 tensor), bit for bit, and the guards are intact in both.
     */
    public void check(Pair out, String what) {
        float[] wide = gpu.toFloats(out.whole[Side.F32.ordinal()]);
        float[] narrow = gpu.toFloats(out.whole[Side.HALF.ordinal()]);
        guards(out, wide, narrow, what);
        for (int k = 0; k < out.length; k++) {
            float want = out.activation ? round(wide[k + lead]) : wide[k + lead];
            float got = narrow[k + lead];
            if (Float.floatToIntBits(want) != Float.floatToIntBits(got)) {
                fail("%s %s: element %d of the %s run is %s, the float32 run's %s rounds to %s", what,
                        Arrays.toString(out.shape()), k, half, got, wide[k + lead], want);
            }
        }
    }

    /**
     * The contract of the kernels whose element math the 16-bit builds do in float instead of double (the
     * activations and their backwards, the recurrent cells; common.cuh): each 16-bit output is within one rounding
     * of the type ({@link #unitRoundoff}, relative) of the float32 run's output plus {@code 1e-6} of the tensor's largest
     * magnitude (float's own error where terms cancel), guards intact.
     */
    public void checkClose(Pair out, String what) {
        float[] wide = gpu.toFloats(out.whole[Side.F32.ordinal()]);
        float[] narrow = gpu.toFloats(out.whole[Side.HALF.ordinal()]);
        guards(out, wide, narrow, what);
        double scale = 0;
        for (int k = 0; k < out.length; k++) {
            scale = Math.max(scale, Math.abs(wide[k + lead]));
        }
        for (int k = 0; k < out.length; k++) {
            double want = wide[k + lead];
            double got = narrow[k + lead];
            // float16's subnormals (below 2^-14) are spaced 2^-24 apart: there one rounding is up to 2^-25 absolute.
            double allowed = unitRoundoff() * Math.abs(want) + 1e-6 * scale + (half == DType.F16 ? 0x1p-25 : 0);
            if (!(Math.abs(got - want) <= allowed)) {
                fail("%s %s: element %d of the %s run is %s, the float32 run's %s (allowed %s)", what,
                        Arrays.toString(out.shape()), k, half, got, want, allowed);
            }
        }
    }

    private void guards(Pair out, float[] wide, float[] narrow, String what) {
        for (float[] w : new float[][] {wide, narrow}) {
            for (int g = 0; g < lead; g++) {
                assertThat(w[g]).as(what + " guard").isEqualTo(g % 2 == 0 ? 99f : -99f);
            }
            assertThat(w[out.length + lead]).as(what + " guard").isEqualTo(77f);
        }
    }

    /** The 16-bit runs of two pairs hold the same bits (a fused op against its composition). */
    public void sameBits(Pair a, Pair b, String what) {
        float[] x = gpu.toFloats(a.on(Side.HALF));
        float[] y = gpu.toFloats(b.on(Side.HALF));
        for (int k = 0; k < x.length; k++) {
            if (Float.floatToIntBits(x[k]) != Float.floatToIntBits(y[k])) {
                fail("%s %s: element %d is %s and %s", what, Arrays.toString(a.shape()), k, x[k], y[k]);
            }
        }
    }

    /**
     * The 16-bit run's values of {@code out} are within {@code rtol} (relative to the float32 run's largest
     * magnitude) of the float32 run's: for products, whose order of float additions is cuBLAS's own.
     */
    public void near(Pair out, double rtol, String what) {
        float[] wide = gpu.toFloats(out.on(Side.F32));
        float[] narrow = gpu.toFloats(out.on(Side.HALF));
        double scale = 0;
        for (float w : wide) {
            scale = Math.max(scale, Math.abs(w));
        }
        for (int k = 0; k < wide.length; k++) {
            if (!(Math.abs(wide[k] - narrow[k]) <= rtol * scale)) {
                fail("%s %s: element %d of the %s run is %s, the float32 run's %s (scale %s, rtol %s)", what,
                        Arrays.toString(out.shape()), k, half, narrow[k], wide[k], scale, rtol);
            }
        }
    }

    @Override
    public void close() {
        gpu.close();
    }
}
