package dev.sim4j.engine;

/** Element types of tensors: float32 and float64 values, int32 ids and indices. Half precision comes with the GPU. */
public enum DType {
    F32(4), F64(8), I32(4);

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
