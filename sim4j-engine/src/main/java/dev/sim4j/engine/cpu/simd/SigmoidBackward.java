package dev.sim4j.engine.cpu.simd;

import static jdk.incubator.vector.VectorOperators.D2F;
import static jdk.incubator.vector.VectorOperators.F2D;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sigmoid's backward {@code dx = (float) (dy * y * (1 - y))} in double, optionally with dx's column sums, in
 * double-vector lanes across the columns. Each element takes the scalar loop's double operations in its order (the
 * float-to-double conversions are exact), and each column's sum takes its rows in ascending order, one double add
 * per element, so the bits are those of the scalar loops (which also finish the last columns). The scalar loop ran
 * about 2 to 3 times slower: C2 did not vectorise it.
 */
public final class SigmoidBackward {
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FH = VectorSpecies.of(float.class,
            VectorShape.forBitSize(DS.vectorBitSize() / 2));
    private static final int L = DS.length();

    private SigmoidBackward() {
    }

    /**
     * Rows [lo, hi) of [rows x n] arrays at their offsets: dx from y and dy, each dx also added to
     * {@code acc[at + j]} in order of rows when {@code acc} is not null.
     */
    public static void rows(float[] y, int yo, float[] dy, int go, float[] dx, int oo, int n, int lo, int hi,
                            double[] acc, int at) {
        DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        for (int r = lo; r < hi; r++) {
            int ar = yo + r * n;
            int gr = go + r * n;
            int or = oo + r * n;
            int j = 0;
            for (; j + L <= n; j += L) {
                DoubleVector s = (DoubleVector) FloatVector.fromArray(FH, y, ar + j).convertShape(F2D, DS, 0);
                DoubleVector g = (DoubleVector) FloatVector.fromArray(FH, dy, gr + j).convertShape(F2D, DS, 0);
                FloatVector d = (FloatVector) g.mul(s).mul(one.sub(s)).convertShape(D2F, FH, 0);
                d.intoArray(dx, or + j);
                if (acc != null) {
                    DoubleVector.fromArray(DS, acc, at + j).add((DoubleVector) d.convertShape(F2D, DS, 0))
                            .intoArray(acc, at + j);
                }
            }
            for (; j < n; j++) {
                double sv = y[ar + j];
                float d = (float) (dy[gr + j] * sv * (1 - sv));
                dx[or + j] = d;
                if (acc != null) {
                    acc[at + j] += d;
                }
            }
        }
    }
}
