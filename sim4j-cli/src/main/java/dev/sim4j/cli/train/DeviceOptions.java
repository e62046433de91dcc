package dev.sim4j.cli.train;

import dev.sim4j.cli.DeviceUnavailableException;
import dev.sim4j.cuda.CudaLibraries;
import dev.sim4j.cuda.CudaUnavailableException;
import dev.sim4j.cuda.backend.CudaBackend;
import dev.sim4j.cuda.lib.LibraryLocator;
import dev.sim4j.cuda.nvrtc.KernelCompiler;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.cpu.CpuBackend;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The one place a model command's backend is chosen and opened (a picocli mixin): {@code --device cpu|cuda|cuda:N}
 * and {@code --threads}, both checked as they are parsed. Opening says on standard error what it picked; a GPU that
 * cannot be used is one line (exit 4).
 */
public final class DeviceOptions {
    /** More threads than this is certainly a typo; the pool would only oversubscribe the cores. */
    static final int MAX_THREADS = 4096;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    private CommandSpec mixee;

    private Integer threads;
    private int gpu = -1;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: the number of cores).")
    void setThreads(int n) {
        if (n < 1 || n > MAX_THREADS) {
            throw new CommandLine.ParameterException(mixee.commandLine(),
                    "--threads: must be between 1 and " + MAX_THREADS + ", got " + n);
        }
        threads = n;
    }

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu",
            description = "cpu, cuda (the first GPU) or cuda:N (default: ${DEFAULT-VALUE}).")
    void setDevice(String device) {
        gpu = gpuOf(device, mixee.commandLine());
    }

    /** The GPU ordinal a {@code --device} value names, -1 for cpu; a usage error naming the flag otherwise. */
    public static int gpuOf(String device, CommandLine commandLine) {
        if (device.equals("cpu")) {
            return -1;
        } else if (device.equals("cuda")) {
            return 0;
        } else if (device.matches("cuda:\\d{1,4}")) {
            return Integer.parseInt(device.substring(5));
        }
        throw new CommandLine.ParameterException(commandLine,
                "--device: must be cpu, cuda or cuda:N, got '" + device + "'");
    }

    @Option(names = "--no-tf32", description = "On a GPU, multiply in plain float32 instead of TF32 tensor cores "
            + "(slower; what the CPU parity tests compare against).")
    private boolean noTf32;

    // Accepted for symmetry with --no-tf32 (the reference's mixed-precision scripts pass it); TF32 is the default.
    @Option(names = "--tf32", description = "On a GPU, TF32 tensor-core products for float32 (the default).")
    private boolean tf32;

    @Option(names = {"--cuda-graphs", "--xla"}, description = "On a GPU, record each training and scoring step "
            + "once per input shape as a CUDA graph and replay it (the default; --xla is the reference's name).")
    private boolean cudaGraphs;

    @Option(names = "--no-cuda-graphs", description = "On a GPU, launch every kernel of every step from the host "
            + "instead of replaying recorded steps (for debugging and profiling single kernels).")
    private boolean noCudaGraphs;

    @Option(names = "--amp", description = "On a GPU, mixed precision: activations and their gradients in "
            + "16 bits (--amp-dtype; 16-bit tensor-core products), parameters, optimizer state, the scoring layer "
            + "and the losses in float32. The reference's --amp.")
    private boolean amp;

    @Option(names = "--amp-dtype", paramLabel = "TYPE", description = "With --amp: bf16 (the default) or fp16 "
            + "(IEEE float16, trained with dynamic loss scaling as the reference's LossScaleOptimizer).")
    void setAmpDtype(String type) {
        ampType = switch (type) {
            case "bf16", "bfloat16" -> DType.BF16;
            case "fp16", "float16" -> DType.F16;
            default -> throw new CommandLine.ParameterException(mixee.commandLine(),
                    "--amp-dtype: must be bf16 or fp16, got '" + type + "'");
        };
    }

    /** --amp-dtype's type, null when not given. */
    private DType ampType;

    @Option(names = "--host-input", description = "On a GPU, read every batch on the host and upload it, even where "
            + "the dataset is a sequence store whose rows the GPU builds itself (the default there: the same rows, "
            + "without the host's per-row work).")
    private boolean hostInput;

    /**
     * Whether batches of a sequence-store dataset are built on the device: on a GPU unless {@code --host-input} (the
     * CPU backend reads them on a background thread, overlapped with the step).
     */
    boolean residentInput() {
        return cuda() && !hostInput;
    }

    /**
     * Background threads that read {@code dataset}'s host batches: on a GPU, up to four (leaving two cores to the
     * training thread and the JVM) when its mappings read in parallel (a sequence store read with
     * {@code --host-input}, TFRecord, CSV: {@link Dataset#readsInParallel}), since the device consumes rows faster
     * than one thread decodes them; otherwise one (columnar shards would be checksummed again by every reader; on
     * the CPU the reading overlaps kernels that use every core). Measured in docs/data.md.
     */
    int hostReaders(Dataset dataset) {
        boolean parallel = dataset.readsInParallel("train") && dataset.readsInParallel("test");
        return cuda() && parallel ? Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() - 2)) : 1;
    }

    /** The requested thread count, or null for the default (the number of cores). */
    Integer threads() {
        return threads;
    }

    /** Whether a GPU was asked for. */
    boolean cuda() {
        return gpu >= 0;
    }

    /**
     * Usage errors among these flags alone (contradictions, a GPU-only flag without a GPU), so a command can refuse
     * them before it reads or writes anything.
     */
    void checkFlags() {
        if (amp && gpu < 0) {
            throw new CommandLine.ParameterException(mixee.commandLine(),
                    "--amp: mixed precision needs a GPU (--device cuda); the CPU computes in float32");
        }
        if (ampType != null && !amp) {
            throw new CommandLine.ParameterException(mixee.commandLine(),
                    "--amp-dtype: only with --amp (mixed precision); without it a GPU computes in float32");
        }
        if (tf32 && noTf32) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--tf32 and --no-tf32: give one of them");
        }
        if (cudaGraphs && noCudaGraphs) {
            throw new CommandLine.ParameterException(mixee.commandLine(),
                    "--cuda-graphs (--xla) and --no-cuda-graphs: give one of them");
        }
    }

    /** The backend asked for, opened; the caller closes it. Says what it picked on {@code err}. */
    Backend backend(PrintWriter err) {
        return backend(err, false);
    }

    /**
     * As {@link #backend(PrintWriter)}; with {@code profiled}, a CPU backend that times its kernels (a GPU backend
     * always can).
     */
    Backend backend(PrintWriter err, boolean profiled) {
        checkFlags();
        if (gpu < 0) {
            int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            CpuBackend cpu = profiled ? CpuBackend.profiled(n) : new CpuBackend(n);
            err.printf("device: cpu (%d threads)%n", cpu.threads());
            err.flush();
            return cpu;
        }
        // TF32 products by default, as the reference trains; --no-tf32 for plain float32. Recorded steps by default:
        // they halve a small batch's step time (docs/gpu.md) and give the eager steps' bits.
        return openCuda(gpu, !noTf32, !noCudaGraphs, activations(), err);
    }

    /** The models' activation type on a GPU: F32, or the --amp type (BF16 unless --amp-dtype fp16). */
    DType activations() {
        return !amp ? DType.F32 : ampType == null ? DType.BF16 : ampType;
    }

    /**
     * A CUDA backend on GPU {@code gpu}, opened; says what it picked on {@code err}. A GPU that cannot be used is a
     * {@link DeviceUnavailableException} naming {@code --device} (exit 4).
     */
    public static CudaBackend openCuda(int gpu, boolean tf32, boolean graphs, PrintWriter err) {
        return openCuda(gpu, tf32, graphs, DType.F32, err);
    }

    /** As above, with the models' activations in {@code activations} (BF16 or F16: mixed precision). */
    public static CudaBackend openCuda(int gpu, boolean tf32, boolean graphs, DType activations, PrintWriter err) {
        CudaLibraries libs;
        try {
            libs = CudaLibraries.open(LibraryLocator.fromEnvironment());
        } catch (CudaUnavailableException e) {
            throw new DeviceUnavailableException("--device cuda:" + gpu + ": " + e.getMessage()
                    + " (sim4j doctor lists what this machine has)");
        }
        if (gpu >= libs.deviceCount()) {
            int n = libs.deviceCount();
            libs.close();
            throw new DeviceUnavailableException("--device cuda:" + gpu + ": this machine has " + n + " GPU(s), "
                    + "cuda:0 to cuda:" + (n - 1));
        }
        CudaBackend be = new CudaBackend(libs, gpu, tf32, false, KernelCompiler.defaultCacheDir(), activations);
        be.recordGraphs(graphs);
        err.printf("device: cuda:%d (%s, %.1f GiB, %s, %s%s)%n", gpu, be.device().name(),
                be.device().totalMemory() / (double) (1L << 30), be.device().architecture(),
                activations == DType.BF16 ? "mixed precision (bfloat16 activations)"
                        : activations == DType.F16 ? "mixed precision (float16 activations, dynamic loss scaling)"
                        : (tf32 ? "TF32" : "float32") + " products", graphs ? ", CUDA graphs" : "");
        err.flush();
        return be;
    }
}
