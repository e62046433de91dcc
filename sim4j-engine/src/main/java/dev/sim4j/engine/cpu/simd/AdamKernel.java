package dev.sim4j.engine.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Adam update over a range of floats, in vector lanes. Every lane performs exactly the scalar loop's float
 * operations in the same order (no fused multiply-add; IEEE square root and division are correctly rounded in both), so
 * the result is bit-identical to {@code CpuBackend}'s scalar loop, which still handles the tail. Dense Adam touches
 * every embedding row every step (tens of millions of floats); the scalar loop's square root and division made it
 * compute-bound.
 */
public final class AdamKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private AdamKernel() {
    }

    /**
     * For k in [0, n): m += (g - m) c1; v += (g g - v) c2; p -= m a / (sqrt(v) + eps), over whole vectors only;
     * returns how many elements it did (a multiple of the vector length), the caller does the rest.
     */
    public static int update(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n,
                             float a, float c1, float c2, float eps) {
        int k = 0;
        for (; k + V <= n; k += V) {
            FloatVector gk = FloatVector.fromArray(S, g, go + k);
            FloatVector mk = FloatVector.fromArray(S, m, mo + k);
            FloatVector vk = FloatVector.fromArray(S, v, vo + k);
            mk = mk.add(gk.sub(mk).mul(c1));
            vk = vk.add(gk.mul(gk).sub(vk).mul(c2));
            mk.intoArray(m, mo + k);
            vk.intoArray(v, vo + k);
            FloatVector pk = FloatVector.fromArray(S, p, po + k);
            pk.sub(mk.mul(a).div(vk.sqrt().add(eps))).intoArray(p, po + k);
        }
        return k;
    }
}
