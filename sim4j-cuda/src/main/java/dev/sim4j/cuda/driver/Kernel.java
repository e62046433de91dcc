package dev.sim4j.cuda.driver;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One kernel of a loaded {@link CudaModule}, with an argument block reused from launch to launch (so a launch
 * allocates nothing). Arguments are set in the kernel's parameter order, then {@link #launch}: {@code
 * k.begin().pointer(x).i32(n).f32(alpha).launch(stream, grid, block, 0)}. Not for concurrent use from several threads:
 * a backend launches from its one stream thread.
 */
public final class Kernel {
    private static final int MAX_ARGS = 32;
    private final CudaDriver driver;
    private final MemorySegment function;
    private final String name;
    private final String family;
    private final LaunchListener listener;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment values = arena.allocate(8L * MAX_ARGS, 8);
    private final MemorySegment params = arena.allocate(ADDRESS.byteSize() * MAX_ARGS, 8);
    private int count;

    Kernel(CudaDriver driver, MemorySegment function, String name, String family, LaunchListener listener) {
        this.driver = driver;
        this.function = function;
        this.name = name;
        this.family = family;
        this.listener = listener;
        for (int i = 0; i < MAX_ARGS; i++) {
            params.setAtIndex(ADDRESS, i, values.asSlice(8L * i, 8));
        }
    }

    public String name() {
        return name;
    }

    /** Starts a new argument list. */
    public Kernel begin() {
        count = 0;
        return this;
    }

    /** A device pointer argument ({@code float*}, {@code int*}, ...). */
    public Kernel pointer(long address) {
        values.set(JAVA_LONG, 8L * slot(), address);
        return this;
    }

    public Kernel pointer(DeviceBuffer buffer) {
        return pointer(buffer.address());
    }

    public Kernel i32(int v) {
        values.set(JAVA_INT, 8L * slot(), v);
        return this;
    }

    public Kernel i64(long v) {
        values.set(JAVA_LONG, 8L * slot(), v);
        return this;
    }

    public Kernel f32(float v) {
        values.set(JAVA_FLOAT, 8L * slot(), v);
        return this;
    }

    /** Launches with the arguments set since {@link #begin()}. */
    public void launch(Stream stream, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes) {
        if (gridX < 1 || gridY < 1 || gridZ < 1) {
            return; // an empty tensor: nothing to do (a zero grid is an error to CUDA)
        }
        listener.before(family, name, stream);
        driver.launch(function, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes, stream.handle(), params, name);
        listener.after(family, name, stream);
    }

    /** A 1-D launch of {@code blocks} x {@code threads}. */
    public void launch(Stream stream, int blocks, int threads) {
        launch(stream, blocks, 1, 1, threads, 1, 1, 0);
    }

    /** Lets this kernel use {@code bytes} of dynamic shared memory (beyond the default 48 KiB). */
    public void allowSharedMemory(int bytes) {
        driver.functionSetAttribute(function, 8, bytes, name);
    }

    private int slot() {
        if (count == MAX_ARGS) {
            throw new IllegalStateException(name + ": more than " + MAX_ARGS + " kernel arguments");
        }
        return count++;
    }

    void close() {
        arena.close();
    }
}
