package dev.sim4j.engine.cpu.simd;

import jdk.incubator.vector.FloatVector;

/** The float vector the CPU kernels use on this machine (what {@code sim4j doctor} reports). */
public final class VectorShape {
    private VectorShape() {
    }

    /** Bits of the preferred float vector (256 on AVX2, 512 on AVX-512). */
    public static int bits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /** Floats per vector. */
    public static int lanes() {
        return FloatVector.SPECIES_PREFERRED.length();
    }
}
