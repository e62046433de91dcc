package dev.sim4j.cuda.driver;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/** A loaded cubin image and the kernels looked up in it; unloading on {@link #close()} invalidates them. */
public final class CudaModule implements AutoCloseable {
    private final CudaDriver driver;
    private final MemorySegment handle;
    private final String name;
    private final LaunchListener listener;
    private final Map<String, Kernel> kernels = new HashMap<>();
    private boolean closed;

    private CudaModule(CudaDriver driver, MemorySegment handle, String name, LaunchListener listener) {
        this.driver = driver;
        this.handle = handle;
        this.name = name;
        this.listener = listener;
    }

    /** Loads {@code image} (cubin) into the current context; {@code name} is for messages. */
    public static CudaModule load(CudaDriver driver, byte[] image, String name) {
        return load(driver, image, name, LaunchListener.NONE);
    }

    /** As {@link #load(CudaDriver, byte[], String)}, telling {@code listener} about every launch of its kernels. */
    public static CudaModule load(CudaDriver driver, byte[] image, String name, LaunchListener listener) {
        return new CudaModule(driver, driver.moduleLoad(image), name, listener);
    }

    /** The kernel {@code function} of this module ({@code extern "C"} name), looked up once. */
    public Kernel kernel(String function) {
        return kernels.computeIfAbsent(function, f -> new Kernel(driver, driver.moduleFunction(handle, f), f, name, listener));
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            kernels.values().forEach(Kernel::close);
            driver.moduleUnload(handle);
        }
    }
}
