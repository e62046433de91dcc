package dev.sim4j.engine.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * PReLU over one row, optionally after its bias, vector by vector and without a branch per element: the scalar
 * {@code x > 0 ? x : alpha x} mispredicted on half the elements of a trained MLP's pre-activations (6 % of a scoring
 * pass's samples). Each element is still one float add (the bias) and, where it is not positive, one float product,
 * so the results are the scalar loop's bits (NaN, -0 and the infinities included: the same comparison picks the same
 * operand).
 */
public final class PreluRow {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private PreluRow() {
    }

    /** {@code y[yo + j] = x > 0 ? x : alpha[ao + j] x} with {@code x = x[xo + j]}, for j in [0, n). */
    public static void prelu(float[] x, int xo, float[] alpha, int ao, float[] y, int yo, int n) {
        int j = 0;
        for (; j + V <= n; j += V) {
            FloatVector v = FloatVector.fromArray(S, x, xo + j);
            select(v, FloatVector.fromArray(S, alpha, ao + j)).intoArray(y, yo + j);
        }
        for (; j < n; j++) {
            float v = x[xo + j];
            y[yo + j] = v > 0 ? v : alpha[ao + j] * v;
        }
    }

    /**
     * {@code x[xo + j] += bias[bo + j]}, then {@code y[yo + j] = prelu(x[xo + j])}, for j in [0, n): the row's bias
     * and activation in one pass (x keeps the pre-activation, which the backward needs).
     */
    public static void biasPrelu(float[] x, int xo, float[] bias, int bo, float[] alpha, int ao, float[] y, int yo,
                                 int n) {
        int j = 0;
        for (; j + V <= n; j += V) {
            FloatVector v = FloatVector.fromArray(S, x, xo + j).add(FloatVector.fromArray(S, bias, bo + j));
            v.intoArray(x, xo + j);
            select(v, FloatVector.fromArray(S, alpha, ao + j)).intoArray(y, yo + j);
        }
        for (; j < n; j++) {
            float v = x[xo + j] + bias[bo + j];
            x[xo + j] = v;
            y[yo + j] = v > 0 ? v : alpha[ao + j] * v;
        }
    }

    private static FloatVector select(FloatVector v, FloatVector alpha) {
        VectorMask<Float> positive = v.compare(VectorOperators.GT, 0f);
        return alpha.mul(v).blend(v, positive);
    }
}
