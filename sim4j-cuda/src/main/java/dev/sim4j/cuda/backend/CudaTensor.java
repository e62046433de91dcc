package dev.sim4j.cuda.backend;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import java.util.Arrays;

/**
 * A tensor in device memory: storage from the {@link DevicePool}, an element offset into it, a shape. Views
 * ({@link #reshape}, {@link #rows}) share the storage. Only this module sees device addresses.
 */
public final class CudaTensor implements Tensor {
    private final CudaBackend backend;
    private final DType dtype;
    private final int[] shape;
    private final DevicePool.Storage storage;
    private final long offset;
    private final long size;

    CudaTensor(CudaBackend backend, DType dtype, int[] shape, DevicePool.Storage storage, long offset) {
        this.backend = backend;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.storage = storage;
        this.offset = offset;
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= s;
        }
        this.size = n;
    }

    /** The device address of the first element. */
    public long address() {
        return storage.address() + offset * dtype.bytes();
    }

    /** The storage this tensor (and its views) lives in. */
    DevicePool.Storage storage() {
        return storage;
    }

    /** The address of element {@code i} (flat index). */
    public long address(long i) {
        return address() + i * dtype.bytes();
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
    public long size() {
        return size;
    }

    @Override
    public Tensor reshape(int... newShape) {
        long n = 1;
        for (int s : newShape) {
            n *= s;
        }
        if (n != size) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to "
                    + Arrays.toString(newShape));
        }
        return new CudaTensor(backend, dtype, newShape, storage, offset);
    }

    @Override
    public Tensor rows(int from, int to) {
        if (from < 0 || to > shape[0] || from > to) {
            throw new IllegalArgumentException("rows " + from + ".." + to + " of " + Arrays.toString(shape));
        }
        long row = shape[0] == 0 ? 0 : size / shape[0];
        int[] s = shape.clone();
        s[0] = to - from;
        return new CudaTensor(backend, dtype, s, storage, offset + from * row);
    }

    /** Returns the storage to the pool now; every view of it becomes invalid. */
    @Override
    public void close() {
        backend.pool().release(storage);
    }

    @Override
    public String toString() {
        return "CudaTensor" + dtype + Arrays.toString(shape);
    }
}
