package dev.sim4j.engine;

/**
 * Element types of tensors: float32 and float64 values, int32 ids and indices, and bfloat16 (the upper half of a
 * float32: its range, 8 bits of significand) for the activations of mixed-precision training on a GPU.
 */
public enum DType {
    F32(4), F64(8), I32(4), BF16(2);

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
}
