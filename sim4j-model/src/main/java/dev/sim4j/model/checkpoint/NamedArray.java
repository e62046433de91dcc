package dev.sim4j.model.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One tensor of a safetensors file, on the host: its element type, its shape and its raw little-endian bytes
 * (row-major, {@code product(shape) x dtype.bytes()} of them). Two arrays are equal when their types, shapes and bytes
 * are (so floats compare bit for bit, NaN payloads and signed zeros included).
 *
 * @param dtype the element type
 * @param shape the dimensions (empty for a scalar); callers must not modify the array
 * @param data  the bytes; the accessor returns an independent read-only little-endian view positioned at 0
 */
public record NamedArray(SafetensorsDType dtype, int[] shape, ByteBuffer data) {
    public NamedArray {
        if (dtype == null || shape == null || data == null) {
            throw new IllegalArgumentException("dtype, shape and data are required");
        }
        shape = shape.clone();
        long n = elementCount(shape);
        if (n * dtype.bytes() != data.remaining()) {
            throw new IllegalArgumentException(dtype + " " + Arrays.toString(shape) + " needs " + n * dtype.bytes()
                    + " bytes, got " + data.remaining());
        }
        data = data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** An F32 array holding {@code values} (copied). */
    public static NamedArray ofFloats(float[] values, int... shape) {
        checkLength(values.length, shape);
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new NamedArray(SafetensorsDType.F32, shape, b);
    }

    /** An F64 array holding {@code values} (copied). */
    public static NamedArray ofDoubles(double[] values, int... shape) {
        checkLength(values.length, shape);
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(values);
        return new NamedArray(SafetensorsDType.F64, shape, b);
    }

    /** An I32 array holding {@code values} (copied). */
    public static NamedArray ofInts(int[] values, int... shape) {
        checkLength(values.length, shape);
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return new NamedArray(SafetensorsDType.I32, shape, b);
    }

    /** An I64 array holding {@code values} (copied). */
    public static NamedArray ofLongs(long[] values, int... shape) {
        checkLength(values.length, shape);
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return new NamedArray(SafetensorsDType.I64, shape, b);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The number of elements, the product of the shape (1 for a scalar). */
    public long size() {
        return elementCount(shape);
    }

    /** The values as floats: F32 exactly, F16 and BF16 widened, F64 rounded. */
    public float[] toFloats() {
        float[] out = new float[Math.toIntExact(size())];
        dtype.decodeFloats(data(), out, 0, out.length);
        return out;
    }

    /** The values as doubles, exact for every float type. */
    public double[] toDoubles() {
        double[] out = new double[Math.toIntExact(size())];
        dtype.decodeDoubles(data(), out, 0, out.length);
        return out;
    }

    /** The values of an integer or BOOL array as longs. */
    public long[] toLongs() {
        long[] out = new long[Math.toIntExact(size())];
        dtype.decodeLongs(data(), out, 0, out.length);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamedArray a && a.dtype == dtype && Arrays.equals(a.shape, shape) && a.data.equals(data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + data.hashCode();
    }

    @Override
    public String toString() {
        return "NamedArray[" + dtype + " " + Arrays.toString(shape) + "]";
    }

    static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static void checkLength(int length, int[] shape) {
        if (elementCount(shape) != length) {
            throw new IllegalArgumentException(length + " values for shape " + Arrays.toString(shape));
        }
    }
}
