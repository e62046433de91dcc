package dev.sim4j.cuda.backend;

import dev.sim4j.cuda.driver.CudaDriver;
import dev.sim4j.cuda.driver.CudaModule;
import dev.sim4j.cuda.driver.Kernel;
import dev.sim4j.cuda.driver.LaunchListener;
import dev.sim4j.cuda.nvrtc.KernelCompiler;
import dev.sim4j.engine.DType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The kernels, kept as CUDA C resources by family ({@code dev/sim4j/cuda/kernels/<family>.cu}, each prefixed with the
 * shared {@code common.cuh}), compiled on first use for the device's architecture (cached on disk by the
 * {@link KernelCompiler}) and loaded once per backend. Each family exists in two builds, by the type of its
 * activations: float32, and bfloat16 ({@code SIM4J_BF16} defined; see common.cuh).
 */
public final class KernelLibrary implements AutoCloseable {
    static final String ROOT = "/dev/sim4j/cuda/kernels/";
    private final CudaDriver driver;
    private final KernelCompiler compiler;
    private final LaunchListener listener;
    private final Map<String, CudaModule> modules = new HashMap<>();

    public KernelLibrary(CudaDriver driver, KernelCompiler compiler) {
        this(driver, compiler, LaunchListener.NONE);
    }

    /** A library whose kernels tell {@code listener} about every launch (the backend's profiler). */
    public KernelLibrary(CudaDriver driver, KernelCompiler compiler, LaunchListener listener) {
        this.driver = driver;
        this.compiler = compiler;
        this.listener = listener;
    }

    /** The source of family {@code family}, with the common header in front (the float32 build). */
    public static String source(String family) {
        return source(family, DType.F32);
    }

    /** The source of family {@code family} for activations of type {@code activations} (F32, BF16 or F16). */
    public static String source(String family, DType activations) {
        String variant = switch (activations) {
            case F32 -> "";
            case BF16 -> "#define SIM4J_BF16 1\n#define SIM4J_HALF 1\n";
            case F16 -> "#define SIM4J_F16 1\n#define SIM4J_HALF 1\n";
            default -> throw new IllegalArgumentException("kernels take F32, BF16 or F16 activations, not "
                    + activations);
        };
        return variant + resource("common.cuh") + "\n#line 1 \"" + family + ".cu\"\n" + resource(family + ".cu");
    }

    private static String resource(String name) {
        try (InputStream in = KernelLibrary.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("missing kernel source " + ROOT + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kernel {@code name} of family {@code family} (compiling and loading the family on first use). */
    public Kernel kernel(String family, String name) {
        return kernel(family, name, DType.F32);
    }

    /** Kernel {@code name} of family {@code family}'s build for {@code activations} (F32, BF16 or F16). */
    public synchronized Kernel kernel(String family, String name, DType activations) {
        String key = activations == DType.F32 ? family : family + "-" + activations.name().toLowerCase();
        CudaModule m = modules.computeIfAbsent(key,
                k -> CudaModule.load(driver, compiler.compile(source(family, activations), k), k, listener));
        return m.kernel(name);
    }

    @Override
    public synchronized void close() {
        modules.values().forEach(CudaModule::close);
        modules.clear();
    }
}
