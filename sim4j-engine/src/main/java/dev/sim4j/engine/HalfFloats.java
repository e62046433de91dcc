package dev.sim4j.engine;

/**
 * The 16-bit float types' bit patterns, as {@link DType#BF16} and {@link DType#F16} tensors store them: conversion
 * from float32 rounds to nearest, ties to even (what the GPU kernels' stores do), NaN stays NaN; back to float32 is
 * exact.
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** The value of {@code type} (BF16 or F16) nearest {@code f}, as its bits. */
    public static short fromFloat(DType type, float f) {
        return switch (type) {
            case BF16 -> BFloat16.fromFloat(f);
            case F16 -> Float.floatToFloat16(f);
            default -> throw new IllegalArgumentException("not a 16-bit float type: " + type);
        };
    }

    /** The float32 a pattern of {@code type} (BF16 or F16) stands for. */
    public static float toFloat(DType type, short bits) {
        return switch (type) {
            case BF16 -> BFloat16.toFloat(bits);
            case F16 -> Float.float16ToFloat(bits);
            default -> throw new IllegalArgumentException("not a 16-bit float type: " + type);
        };
    }

    /** {@code f} rounded to the nearest value of {@code type} (BF16 or F16), as a float32. */
    public static float round(DType type, float f) {
        return toFloat(type, fromFloat(type, f));
    }
}
