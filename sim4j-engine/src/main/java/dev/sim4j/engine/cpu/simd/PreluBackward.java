package dev.sim4j.engine.cpu.simd;

import static jdk.incubator.vector.VectorOperators.F2D;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * PReLU's backward over rows in one pass, in vector lanes across the columns: {@code dx = x > 0 ? dy : alpha dy}
 * (one float product) and alpha's gradient terms {@code (double) dy * min(x, 0)} added to double column sums, each
 * column's rows in ascending order. Each element takes the scalar loop's operations (the float product in double
 * is exact, the lane-wise MIN is {@code Math.min}, -0 included), so the bits are the scalar loops' (a NaN sum stays
 * NaN, its sign bit the hardware's pick). The two scalar passes this replaces ran at about 2 ns an element.
 */
public final class PreluBackward {
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FH = VectorSpecies.of(float.class,
            VectorShape.forBitSize(DS.vectorBitSize() / 2));
    private static final int L = DS.length();

    private PreluBackward() {
    }

    /**
     * Rows [lo, hi) of [rows x n] arrays at their offsets: dx from x, dy and alpha (n values at {@code ao}); the
     * alpha terms added to {@code acc[at + j]}.
     */
    public static void rows(float[] x, int xo, float[] dy, int go, float[] alpha, int ao, float[] dx, int oo, int n,
                            int lo, int hi, double[] acc, int at) {
        for (int r = lo; r < hi; r++) {
            int xi = xo + r * n;
            int gi = go + r * n;
            int oi = oo + r * n;
            int j = 0;
            for (; j + L <= n; j += L) {
                FloatVector v = FloatVector.fromArray(FH, x, xi + j);
                FloatVector g = FloatVector.fromArray(FH, dy, gi + j);
                VectorMask<Float> positive = v.compare(VectorOperators.GT, 0f);
                g.mul(FloatVector.fromArray(FH, alpha, ao + j)).blend(g, positive).intoArray(dx, oi + j);
                DoubleVector term = ((DoubleVector) g.convertShape(F2D, DS, 0))
                        .mul((DoubleVector) v.min(0f).convertShape(F2D, DS, 0));
                DoubleVector.fromArray(DS, acc, at + j).add(term).intoArray(acc, at + j);
            }
            for (; j < n; j++) {
                float v = x[xi + j];
                float g = dy[gi + j];
                dx[oi + j] = v > 0 ? g : g * alpha[ao + j];
                acc[at + j] += (double) g * Math.min(v, 0f);
            }
        }
    }
}
