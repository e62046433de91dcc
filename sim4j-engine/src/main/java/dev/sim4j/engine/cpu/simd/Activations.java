package dev.sim4j.engine.cpu.simd;

import jdk.incubator.vector.FloatVector;
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
 * <p>Every element goes through the same lanes of the same vector code (the last partial vector is run from a padded
 * copy rather than finished by a scalar loop), and each lane depends on its own inputs alone, so a result
 * does not depend on where the caller's chunks start. The conformance tests compare with
 * {@link dev.sim4j.engine.reference.ScalarBackend} in double.
 */
public final class Activations {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private Activations() {
    }

    /** Floats of the padded copy that {@link #sigmoid(float[], int, float[], int, int, float[])} takes. */
    public static final int PAD = V;

    /** y[yo + k] = sigmoid(x[xo + k]) for k in [0, n). */
    public static void sigmoid(float[] x, int xo, float[] y, int yo, int n) {
        sigmoid(x, xo, y, yo, n, null);
    }

    /**
     * {@link #sigmoid(float[], int, float[], int, int)} with the caller's array of at least {@link #PAD} floats for
     * the padded copy of a last partial vector (null: one is allocated), for callers that run it row by row.
     */
    public static void sigmoid(float[] x, int xo, float[] y, int yo, int n, float[] pad) {
        int whole = n - n % V;
        sigmoidVectors(x, xo, y, yo, whole);
        if (whole < n) {
            // The last partial vector through the same loop, from a padded copy, so every element takes the same
            // lanes' code (what lies past n in the copy reaches only lanes that are not stored).
            float[] t = pad != null ? pad : new float[V];
            System.arraycopy(x, xo + whole, t, 0, n - whole);
            sigmoidVectors(t, 0, t, 0, V);
            System.arraycopy(t, 0, y, yo + whole, n - whole);
        }
    }

    /** y[yo + k] = tanh(x[xo + k]) for k in [0, n). */
    public static void tanh(float[] x, int xo, float[] y, int yo, int n) {
        int whole = n - n % V;
        tanhVectors(x, xo, y, yo, whole);
        if (whole < n) {
            float[] t = new float[V];
            System.arraycopy(x, xo + whole, t, 0, n - whole);
            tanhVectors(t, 0, t, 0, V);
            System.arraycopy(t, 0, y, yo + whole, n - whole);
        }
    }

    // The element math is written out inside each loop rather than called as methods taking and returning vectors:
    // whether the JIT inlined such a method depended on what it had compiled before (a callee already compiled on its
    // own may be too big to inline), and a call that is not inlined boxes every vector, which made a GRU cell five
    // to ten times slower in some runs than in others.

    /**
     * sigmoid(v) from e = exp(-|v|), which never overflows: 1 / (1 + e) for v >= 0, e / (1 + e) below (so tiny
     * results keep their relative accuracy). e^x for x <= 0: x = n ln2 + r with |r| <= ln2 / 2 (ln2 split in two, so r
     * is exact), e^r by its Taylor series to degree 7 (truncation error below 1e-8 relative), scaled by 2^n through
     * the exponent bits (t's low mantissa bits hold n + 2^22 as an integer; the float 2^n has exponent bits n + 127).
     */
    private static void sigmoidVectors(float[] x, int xo, float[] y, int yo, int n) {
        for (int k = 0; k < n; k += V) {
            FloatVector v = FloatVector.fromArray(S, x, xo + k);
            FloatVector e = v.abs().neg().max(EXP_MIN);
            FloatVector t = e.fma(LOG2E, ROUND);
            FloatVector q = t.sub(ROUND);
            FloatVector r = q.fma(FloatVector.broadcast(S, -LN2_HI), e);
            r = q.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(1f / 5040, 1f / 720);
            p = p.fma(r, FloatVector.broadcast(S, 1f / 120));
            p = p.fma(r, FloatVector.broadcast(S, 1f / 24));
            p = p.fma(r, FloatVector.broadcast(S, 1f / 6));
            p = p.fma(r, FloatVector.broadcast(S, 0.5f));
            p = p.fma(r, FloatVector.broadcast(S, 1f));
            p = p.fma(r, FloatVector.broadcast(S, 1f));
            FloatVector scale = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND) - 127)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            e = p.mul(scale);
            FloatVector s = FloatVector.broadcast(S, 1f).div(e.add(1f));
            e.mul(s).blend(s, v.compare(VectorOperators.GE, 0f)).intoArray(y, yo + k);
        }
    }

    /**
     * tanh: sign(x) (1 - e) / (1 + e) with e = e^-2|x| (the exponential as in {@link #sigmoidVectors}) where
     * |x| >= ln2 / 2; the odd Taylor series to x^15 below (terms shrink by (2x / pi)^2 < 0.05 each, so the truncation
     * is below 1e-9 relative).
     */
    private static void tanhVectors(float[] xs, int xo, float[] y, int yo, int n) {
        for (int k = 0; k < n; k += V) {
            FloatVector x = FloatVector.fromArray(S, xs, xo + k);
            FloatVector ax = x.abs();
            FloatVector e = ax.mul(-2f).max(EXP_MIN);
            FloatVector t = e.fma(LOG2E, ROUND);
            FloatVector q = t.sub(ROUND);
            FloatVector r = q.fma(FloatVector.broadcast(S, -LN2_HI), e);
            r = q.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(1f / 5040, 1f / 720);
            p = p.fma(r, FloatVector.broadcast(S, 1f / 120));
            p = p.fma(r, FloatVector.broadcast(S, 1f / 24));
            p = p.fma(r, FloatVector.broadcast(S, 1f / 6));
            p = p.fma(r, FloatVector.broadcast(S, 0.5f));
            p = p.fma(r, FloatVector.broadcast(S, 1f));
            p = p.fma(r, FloatVector.broadcast(S, 1f));
            FloatVector scale = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND) - 127)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            e = p.mul(scale);
            FloatVector one = FloatVector.broadcast(S, 1f);
            FloatVector big = one.sub(e).div(one.add(e));
            FloatVector x2 = x.mul(x);
            FloatVector s = x2.fma(-929569f / 638512875f, 21844f / 6081075f);
            s = s.fma(x2, FloatVector.broadcast(S, -1382f / 155925f));
            s = s.fma(x2, FloatVector.broadcast(S, 62f / 2835f));
            s = s.fma(x2, FloatVector.broadcast(S, -17f / 315f));
            s = s.fma(x2, FloatVector.broadcast(S, 2f / 15f));
            s = s.fma(x2, FloatVector.broadcast(S, -1f / 3f));
            FloatVector small = s.mul(x2).fma(x, x);
            FloatVector signed = big.lanewise(VectorOperators.NEG, x.compare(VectorOperators.LT, 0f));
            signed.blend(small, ax.compare(VectorOperators.LT, TANH_SERIES)).intoArray(y, yo + k);
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

}
