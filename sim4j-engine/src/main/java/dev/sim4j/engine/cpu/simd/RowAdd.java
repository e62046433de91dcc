package dev.sim4j.engine.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Adds one short float row into another, vector by vector: the embedding gradients' scatter, one table row per
 * history position. Each element is one float add, as in the scalar loop, so the results are its bits in every JIT
 * mode (an add rounds the same in the Vector API's fallback).
 */
public final class RowAdd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private RowAdd() {
    }

    /** {@code dst[d + j] += src[s + j]} for j in [0, n). */
    public static void addInto(float[] dst, int d, float[] src, int s, int n) {
        int j = 0;
        for (; j + V <= n; j += V) {
            FloatVector.fromArray(S, dst, d + j).add(FloatVector.fromArray(S, src, s + j)).intoArray(dst, d + j);
        }
        for (; j < n; j++) {
            dst[d + j] += src[s + j];
        }
    }
}
