package dev.sim4j.engine.cpu;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import java.util.Arrays;

/**
 * A tensor in Java heap memory: a float[], double[] or int[] with an offset (views share the array). The heap is
 * the CPU backends' device memory, so closing is a no-op and the garbage collector owns the lifetime. Shared by the
 * fast backend (which reads the arrays directly) and the reference (which goes element by element through
 * {@link #get} and {@link #set}, in double).
 */
public final class CpuTensor implements Tensor {
    final Backend backend;
    final DType dtype;
    final int[] shape;
    final float[] f;
    final double[] d;
    final int[] i;
    final int offset;
    final int size;

    CpuTensor(Backend backend, DType dtype, int[] shape, float[] f, double[] d, int[] i, int offset) {
        this.backend = backend;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.f = f;
        this.d = d;
        this.i = i;
        this.offset = offset;
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= s;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor of " + n + " elements is too large for the CPU backend");
        }
        this.size = (int) n;
    }

    /** {@code x} as a heap tensor; throws when it belongs to another kind of device. */
    public static CpuTensor of(Tensor x) {
        if (!(x instanceof CpuTensor c)) {
            throw new IllegalArgumentException("not a CPU tensor: " + x);
        }
        return c;
    }

    /** A new tensor of zeros owned by {@code backend}. */
    public static CpuTensor allocate(Backend backend, DType dtype, int... shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        int len = Math.toIntExact(n);
        return switch (dtype) {
            case F32 -> new CpuTensor(backend, dtype, shape, new float[len], null, null, 0);
            case F64 -> new CpuTensor(backend, dtype, shape, null, new double[len], null, 0);
            case I32 -> new CpuTensor(backend, dtype, shape, null, null, new int[len], 0);
            case BF16, F16 -> throw new IllegalArgumentException(dtype
                    + " tensors are for mixed precision on a GPU (--amp with --device cuda); the CPU computes in float32");
        };
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int[] shape() {
        return shape;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public Tensor reshape(int... newShape) {
        long n = 1;
        for (int s : newShape) {
            n *= s;
        }
        if (n != size) {
            throw new IllegalArgumentException("cannot view " + Arrays.toString(shape) + " as " + Arrays.toString(newShape));
        }
        return new CpuTensor(backend, dtype, newShape, f, d, i, offset);
    }

    @Override
    public Tensor rows(int from, int to) {
        if (shape.length == 0 || from < 0 || to > shape[0] || from > to) {
            throw new IllegalArgumentException("rows " + from + ".." + to + " of " + Arrays.toString(shape));
        }
        int rowSize = shape[0] == 0 ? 0 : size / shape[0];
        int[] s = shape.clone();
        s[0] = to - from;
        return new CpuTensor(backend, dtype, s, f, d, i, offset + from * rowSize);
    }

    /** The number of elements. */
    public int elements() {
        return size;
    }

    /** Element k (row-major, from the view's start) as a double, whatever the type. */
    public double get(int k) {
        return switch (dtype) {
            case F32 -> f[offset + k];
            case F64 -> d[offset + k];
            case I32 -> i[offset + k];
            case BF16, F16 -> throw new IllegalStateException("no " + dtype + " tensors on the CPU");
        };
    }

    /** Stores v into element k, rounded to the tensor's type (a cast for I32). */
    public void set(int k, double v) {
        switch (dtype) {
            case F32 -> f[offset + k] = (float) v;
            case F64 -> d[offset + k] = v;
            case I32 -> i[offset + k] = (int) v;
            case BF16, F16 -> throw new IllegalStateException("no " + dtype + " tensors on the CPU");
        }
    }

    /** Element k of an I32 tensor. */
    public int getInt(int k) {
        return i[offset + k];
    }

    /** The backing float array, for the CPU backend's fast kernels (offset {@link #offset()}). */
    float[] floats() {
        return f;
    }

    int offset() {
        return offset;
    }

    @Override
    public void close() {
        // Heap memory: the garbage collector frees it.
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
