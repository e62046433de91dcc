package dev.sim4j.engine.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 transcendental kernels: sigmoid, tanh and the GRU cell, vectorised with an exponential of our own
 * (Cody-Waite reduction and a degree-7 polynomial, within 2 float ulps).
 *
 * <p>Why not the Vector API's {@code EXP} and {@code TANH}: HotSpot compiles them to its SIMD math library, but the
 * interpreter and C1 run a per-lane {@link Math#exp} fallback with other roundings, so results would depend on how
 * warm the JIT is, and then on the thread count (threads reach a kernel at different compilation stages). This code
 * uses only add, multiply, FMA, divide, compare and integer bit operations, which round the same way in every mode.
 *
 * <p>Every element goes through the same lanes of the same vector code (the last partial vector is loaded and stored
 * under a mask rather than finished by a scalar loop), and each lane depends on its own inputs alone, so a result
 * does not depend on where the caller's chunks start. The conformance tests compare with
 * {@link dev.sim4j.engine.reference.ScalarBackend} in double.
 */
public final class Activations {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    private Activations() {
    }

    private static FloatVector c(float v) {
        return FloatVector.broadcast(S, v);
    }

    /** y[yo + k] = sigmoid(x[xo + k]) for k in [0, n). */
    public static void sigmoid(float[] x, int xo, float[] y, int yo, int n) {
        int k = 0;
        for (; k + V <= n; k += V) {
            sigmoid(FloatVector.fromArray(S, x, xo + k)).intoArray(y, yo + k);
        }
        if (k < n) {
            VectorMask<Float> m = S.indexInRange(k, n);
            sigmoid(FloatVector.fromArray(S, x, xo + k, m)).intoArray(y, yo + k, m);
        }
    }

    /** y[yo + k] = tanh(x[xo + k]) for k in [0, n). */
    public static void tanh(float[] x, int xo, float[] y, int yo, int n) {
        int k = 0;
        for (; k + V <= n; k += V) {
            tanh(FloatVector.fromArray(S, x, xo + k)).intoArray(y, yo + k);
        }
        if (k < n) {
            VectorMask<Float> m = S.indexInRange(k, n);
            tanh(FloatVector.fromArray(S, x, xo + k, m)).intoArray(y, yo + k, m);
        }
    }

    private static final float LOG2E = 1.44269504f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer, kept in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Below this, e^x is under the smallest normal float; clamped there (sigmoid's tail is then 1e-38, not 0). */
    private static final float EXP_MIN = -87.3f;
    /** tanh(x) = (1 - e^-2|x|) / (1 + e^-2|x|) above this (no cancellation: e^-2|x| <= 1/2); a series below. */
    private static final float TANH_SERIES = 0.3466f;

    /**
     * e^x for x <= 0: x = n ln2 + r with |r| <= ln2 / 2 (ln2 split in two, so r is exact), e^r by its Taylor series
     * to degree 7 (truncation error below 1e-8 relative), scaled by 2^n through the exponent bits.
     */
    static FloatVector expNonPositive(FloatVector x) {
        x = x.max(EXP_MIN);
        FloatVector t = x.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(c(-LN2_HI), x);
        r = n.fma(c(-LN2_LO), r);
        FloatVector p = r.fma(1f / 5040, 1f / 720);
        p = p.fma(r, c(1f / 120));
        p = p.fma(r, c(1f / 24));
        p = p.fma(r, c(1f / 6));
        p = p.fma(r, c(0.5f));
        p = p.fma(r, c(1f));
        p = p.fma(r, c(1f));
        // t's low mantissa bits hold n + 2^22 (as an integer); the float 2^n has exponent bits n + 127.
        FloatVector scale = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND) - 127)
                .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale);
    }

    /**
     * tanh: sign(x) (1 - e) / (1 + e) with e = e^-2|x| where |x| >= ln2 / 2; the odd Taylor series to x^15 below
     * (terms shrink by (2x / pi)^2 < 0.05 each, so the truncation is below 1e-9 relative).
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector e = expNonPositive(ax.mul(-2f));
        FloatVector big = ONE.sub(e).div(ONE.add(e));
        FloatVector x2 = x.mul(x);
        FloatVector p = x2.fma(-929569f / 638512875f, 21844f / 6081075f);
        p = p.fma(x2, c(-1382f / 155925f));
        p = p.fma(x2, c(62f / 2835f));
        p = p.fma(x2, c(-17f / 315f));
        p = p.fma(x2, c(2f / 15f));
        p = p.fma(x2, c(-1f / 3f));
        FloatVector small = p.mul(x2).fma(x, x);
        FloatVector signed = big.lanewise(VectorOperators.NEG, x.compare(VectorOperators.LT, 0f));
        return signed.blend(small, ax.compare(VectorOperators.LT, TANH_SERIES));
    }

    /**
     * sigmoid(v) from e = exp(-|v|), which never overflows: 1 / (1 + e) for v >= 0, e / (1 + e) below (so tiny
     * results keep their relative accuracy).
     */
    private static FloatVector sigmoid(FloatVector v) {
        FloatVector e = expNonPositive(v.abs().neg());
        FloatVector s = ONE.div(e.add(1f));
        return e.mul(s).blend(s, v.compare(VectorOperators.GE, 0f));
    }
}
