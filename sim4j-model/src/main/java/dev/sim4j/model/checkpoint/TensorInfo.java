package dev.sim4j.model.checkpoint;

import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header.
 *
 * @param name  the tensor name
 * @param dtype the element type
 * @param shape the dimensions; callers must not modify the array
 * @param begin the first byte of its data, relative to the first byte after the header
 * @param end   one past its last byte; {@code end - begin = product(shape) x dtype.bytes()}
 */
public record TensorInfo(String name, SafetensorsDType dtype, int[] shape, long begin, long end) {
    /** The number of elements. */
    public long size() {
        return NamedArray.elementCount(shape);
    }

    public long byteLength() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && t.name.equals(name) && t.dtype == dtype && Arrays.equals(t.shape, shape)
                && t.begin == begin && t.end == end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + ": " + dtype + " " + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
    }
}
