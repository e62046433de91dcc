package dev.sim4j.engine;

/**
 * Element types of tensors: float32 and float64 values, int32 ids and indices, and the two 16-bit floats of
 * mixed-precision training on a GPU, for its activations: bfloat16 (the upper half of a float32: its range, 8 bits of
 * significand) and IEEE float16 (11 bits of significand, largest finite 65504, so trained with loss scaling).
 */
public enum DType {
    F32(4), F64(8), I32(4), BF16(2), F16(2);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    public boolean floating() {
        return this != I32;
    }

    /** BF16 or F16: a 16-bit float, a mixed-precision activation type. */
    public boolean halfWidth() {
        return this == BF16 || this == F16;
    }
}
