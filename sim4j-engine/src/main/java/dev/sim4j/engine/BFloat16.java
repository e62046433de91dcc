package dev.sim4j.engine;

/**
 * bfloat16 values as the 16-bit patterns a {@link DType#BF16} tensor stores: the upper half of a float32. Rounding is
 * to nearest, ties to even (what the GPU's {@code __float2bfloat16_rn} and the kernels' stores do); NaN stays NaN.
 */
public final class BFloat16 {
    private BFloat16() {
    }

    /** The bfloat16 nearest {@code f} (ties to even), as its bits. */
    public static short fromFloat(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) {
            // NaN: keep the sign and set a quiet bit that survives the truncation.
            return (short) ((u >>> 16) | 0x40);
        }
        u += 0x7fff + ((u >>> 16) & 1);
        return (short) (u >>> 16);
    }

    /** The float32 a bfloat16 pattern stands for (exact). */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** {@code f} rounded to the nearest bfloat16, as a float32. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
