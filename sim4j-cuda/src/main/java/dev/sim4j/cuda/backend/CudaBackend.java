package dev.sim4j.cuda.backend;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.sim4j.cuda.CudaLibraries;
import dev.sim4j.cuda.cublas.CublasHandle;
import dev.sim4j.cuda.driver.CudaDevice;
import dev.sim4j.cuda.driver.CudaDriver;
import dev.sim4j.cuda.driver.DeviceBuffer;
import dev.sim4j.cuda.driver.PinnedBuffer;
import dev.sim4j.cuda.driver.Stream;
import dev.sim4j.cuda.nvrtc.KernelCompiler;
import dev.sim4j.engine.kernels.FamilyBackend;
import dev.sim4j.engine.HalfFloats;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.InputStaging;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.TensorScope;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The CUDA backend: float32 tensors and int32 ids resident on one GPU, every kernel queued on one compute stream
 * (so kernels run in call order and memory can be recycled without events), products through cuBLAS, the other
 * kernels written in CUDA C and compiled at first use by NVRTC. Input batches go through {@link CudaInputStaging}
 * (pinned buffers, a copy stream overlapping compute); other host copies through a pinned staging buffer, waiting.
 * The kernels live in one class per family ({@link CudaDense}, {@link CudaEmbeddings}, ...), as in the CPU backends.
 */
public final class CudaBackend extends FamilyBackend {
    /** cuBLAS scratch: fixed, so products are reproducible and capturable in a graph. */
    private static final long CUBLAS_WORKSPACE = 32L << 20;

    private final CudaLibraries libs;
    private final CudaDevice device;
    private final Stream stream;
    private final DevicePool pool;
    private final DeviceBuffer cublasWorkspace;
    private final CublasHandle blas;
    private final KernelLibrary kernels;
    private final KernelProfiler profiler;
    private final boolean poisonEmpty;
    private final DType activations;
    private PinnedBuffer staging;
    private CudaInputStaging inputStaging;
    private final java.util.List<CudaGraph> graphs = new java.util.ArrayList<>();
    private boolean recordGraphs = true;

    final CudaDense dense;
    final CudaEmbeddings embeddings;
    final CudaAttention attention;
    final CudaRecurrent recurrent;
    final CudaLosses losses;
    final CudaOptimizers optimizers;

    /**
     * A backend on GPU {@code ordinal}; {@code tf32} lets float32 products use TF32 tensor cores; {@code
     * poisonEmpty} fills every {@link #empty} tensor with NaN (tests); {@code kernelCache} holds compiled kernels
     * (null: none).
     */
    public CudaBackend(CudaLibraries libs, int ordinal, boolean tf32, boolean poisonEmpty, Path kernelCache) {
        this(libs, ordinal, tf32, poisonEmpty, kernelCache, DType.F32);
    }

    /**
     * As above, with the models' activations in {@code activations}: {@link DType#F32}, or {@link DType#BF16} or
     * {@link DType#F16} for mixed precision (parameters, their gradients, optimizer state and losses stay float32).
     */
    public CudaBackend(CudaLibraries libs, int ordinal, boolean tf32, boolean poisonEmpty, Path kernelCache,
                       DType activations) {
        this(libs, ordinal, tf32, poisonEmpty, kernelCache, activations, new CudaDense(), new CudaEmbeddings(),
                new CudaAttention(), new CudaRecurrent(), new CudaLosses(), new CudaOptimizers(), new CudaInput());
    }

    /** The families are made first, then bound to the backend that owns their memory and stream. */
    private CudaBackend(CudaLibraries libs, int ordinal, boolean tf32, boolean poisonEmpty, Path kernelCache,
                        DType activations, CudaDense dense, CudaEmbeddings embeddings, CudaAttention attention, CudaRecurrent recurrent,
                        CudaLosses losses, CudaOptimizers optimizers, CudaInput input) {
        super(dense, embeddings, attention, recurrent, losses, optimizers, input);
        this.libs = libs;
        this.device = CudaDevice.open(libs.driver(), ordinal);
        this.stream = Stream.create(libs.driver());
        this.pool = new DevicePool(libs.driver());
        this.cublasWorkspace = DeviceBuffer.allocate(libs.driver(), CUBLAS_WORKSPACE);
        this.blas = new CublasHandle(libs.cublas(), stream, tf32, cublasWorkspace.address(), CUBLAS_WORKSPACE);
        this.profiler = new KernelProfiler(libs.driver(), stream);
        this.kernels = new KernelLibrary(libs.driver(),
                new KernelCompiler(libs.nvrtc(), device.architecture(), kernelCache), profiler);
        this.poisonEmpty = poisonEmpty;
        if (activations != DType.F32 && !activations.halfWidth()) {
            throw new IllegalArgumentException("activations in F32, BF16 or F16, not " + activations);
        }
        this.activations = activations;
        this.dense = dense;
        this.embeddings = embeddings;
        this.attention = attention;
        this.recurrent = recurrent;
        this.losses = losses;
        this.optimizers = optimizers;
        dense.bind(this);
        embeddings.bind(this);
        attention.bind(this);
        recurrent.bind(this);
        losses.bind(this);
        optimizers.bind(this);
        input.bind(this);
    }

    // ---------------------------------------------------------------- for the kernel families

    CudaDriver driver() {
        return libs.driver();
    }

    Stream stream() {
        return stream;
    }

    CublasHandle blas() {
        return blas;
    }

    KernelLibrary kernels() {
        return kernels;
    }

    /** Told about library calls (cuBLAS) as the kernels tell it about their launches. */
    KernelProfiler profiler() {
        return profiler;
    }

    /** Makes the device's context current on the calling thread (the driver binds contexts per thread). */
    @Override
    public void useFromThisThread() {
        device.makeCurrent();
    }

    // ---------------------------------------------------------------- fused recurrent steps (one kernel each)

    @Override
    public void gruStep(Tensor gx, Tensor gh, Tensor bRec, Tensor hPrev, Tensor hOut, Tensor cache) {
        recurrent.gruStep(gx, gh, bRec, hPrev, hOut, cache);
    }

    @Override
    public void gruStepBackward(Tensor dh, Tensor carry, Tensor gh, Tensor hPrev, Tensor cache, Tensor dhStep,
                                Tensor dgx, Tensor dgh, Tensor dhPrev) {
        recurrent.gruStepBackward(dh, carry, gh, hPrev, cache, dhStep, dgx, dgh, dhPrev);
    }

    @Override
    public void augruGates(Tensor gp, Tensor s, Tensor g, Tensor r, Tensor u, Tensor rs) {
        recurrent.augruGates(gp, s, g, r, u, rs);
    }

    @Override
    public void augruCandidateUpdate(Tensor cp, Tensor u, Tensor s, Tensor a, Tensor c, Tensor out,
                                     boolean paperForm) {
        recurrent.augruCandidateUpdate(cp, u, s, a, c, out, paperForm);
    }

    @Override
    public void augruCandidateUpdateBackward(Tensor u, Tensor c, Tensor s, Tensor a, Tensor ds, Tensor du,
                                             Tensor dc, Tensor da, Tensor dcp, Tensor dsPrev, boolean paperForm) {
        recurrent.augruCandidateUpdateBackward(u, c, s, a, ds, du, dc, da, dcp, dsPrev, paperForm);
    }

    @Override
    public void augruGatesBackward(Tensor drs, Tensor s, Tensor r, Tensor du, Tensor g, Tensor dgp, Tensor dsPrev) {
        recurrent.augruGatesBackward(drs, s, r, du, g, dgp, dsPrev);
    }

    @Override
    public void convert(Tensor src, Tensor dst) {
        dense.convert(src, dst);
    }

    @Override
    public java.util.Optional<dev.sim4j.engine.KernelTimes> kernelTimes() {
        return java.util.Optional.of(profiler);
    }

    DevicePool pool() {
        return pool;
    }

    public CudaDevice device() {
        return device;
    }

    /** The tensor as this backend's, or an error naming the kernel argument. */
    static CudaTensor cuda(Tensor t) {
        if (t instanceof CudaTensor c) {
            return c;
        }
        throw new IllegalArgumentException("not a CUDA tensor: " + t);
    }

    /** Waits until every queued kernel has finished (host reads do this themselves). */
    public void synchronize() {
        stream.synchronize();
    }

    // ---------------------------------------------------------------- memory

    @Override
    public String name() {
        return "cuda:" + device.ordinal();
    }

    @Override
    public DType floatType() {
        return DType.F32;
    }

    @Override
    public DType activationType() {
        return activations;
    }

    private CudaTensor allocate(DType dtype, int[] shape) {
        if (dtype == DType.F64) {
            throw new IllegalArgumentException("the CUDA backend computes in float32; F64 tensors are not supported");
        }
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return new CudaTensor(this, dtype, shape, pool.allocate(n * dtype.bytes()), 0);
    }

    @Override
    public Tensor zeros(DType dtype, int... shape) {
        CudaTensor t = allocate(dtype, shape);
        profiler.before("memory", "zeros (memset)", stream);
        fillBits(t, 0);
        profiler.after("memory", "zeros (memset)", stream);
        return t;
    }

    @Override
    public Tensor empty(DType dtype, int... shape) {
        CudaTensor t = allocate(dtype, shape);
        if (poisonEmpty) {
            fillBits(t, dtype == DType.I32 ? Integer.MIN_VALUE
                    : dtype.halfWidth() ? HalfFloats.fromFloat(dtype, Float.NaN) : Float.floatToRawIntBits(Float.NaN));
        }
        return t;
    }

    /** Sets every element's bits (the low 16 for a bfloat16 tensor), queued on the stream. */
    void fillBits(CudaTensor t, int bits) {
        if (t.dtype().bytes() == 2) {
            driver().memset16(t.address(), (short) bits, t.size(), stream.handle());
        } else {
            driver().memset32(t.address(), bits, t.size(), stream.handle());
        }
    }

    @Override
    public TensorScope openScope() {
        return pool.openScope();
    }

    private MemorySegment staging(long bytes) {
        if (staging == null || staging.bytes() < bytes) {
            if (staging != null) {
                stream.synchronize();
                staging.close();
            }
            staging = PinnedBuffer.allocate(driver(), Math.max(bytes, 1 << 20));
        }
        return staging.segment();
    }

    private void toDevice(CudaTensor t, MemorySegment host, long bytes) {
        MemorySegment pinned = staging(bytes);
        // The staging buffer is reused by the next copy: wait for the previous one before overwriting it.
        stream.synchronize();
        MemorySegment.copy(host, 0, pinned, 0, bytes);
        driver().copyHostToDevice(t.address(), pinned, bytes, stream.handle());
    }

    private MemorySegment fromDevice(CudaTensor t) {
        long bytes = t.size() * t.dtype().bytes();
        MemorySegment pinned = staging(bytes);
        driver().copyDeviceToHost(pinned, t.address(), bytes, stream.handle());
        stream.synchronize();
        return pinned.asSlice(0, bytes);
    }

    /** The Backend contract: a write takes as many values as the tensor holds (a reused buffer may be longer). */
    private static void requireSize(Tensor t, long n, String what) {
        if (n < t.size()) {
            throw new IllegalArgumentException(what + ": " + n + " values for a tensor of shape "
                    + Arrays.toString(t.shape()));
        }
    }

    @Override
    public Tensor upload(double[] values, int... shape) {
        Tensor t = allocate(DType.F32, shape);
        write(t, values);
        return t;
    }

    @Override
    public Tensor upload(float[] values, int... shape) {
        Tensor t = allocate(DType.F32, shape);
        write(t, values);
        return t;
    }

    @Override
    public Tensor upload(int[] values, int... shape) {
        Tensor t = allocate(DType.I32, shape);
        write(t, values);
        return t;
    }

    @Override
    public double[] toDoubles(Tensor t) {
        float[] f = toFloats(t);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Override
    public float[] toFloats(Tensor t) {
        CudaTensor c = cuda(t);
        if (c.dtype().halfWidth()) {
            short[] bits = fromDevice(c).toArray(JAVA_SHORT);
            float[] f = new float[bits.length];
            for (int i = 0; i < bits.length; i++) {
                f[i] = HalfFloats.toFloat(c.dtype(), bits[i]);
            }
            return f;
        }
        if (c.dtype() != DType.F32) {
            throw new IllegalArgumentException("toFloats of a " + c.dtype() + " tensor");
        }
        return fromDevice(c).toArray(JAVA_FLOAT);
    }

    @Override
    public int[] toInts(Tensor t) {
        CudaTensor c = cuda(t);
        if (c.dtype() != DType.I32) {
            throw new IllegalArgumentException("toInts of a " + c.dtype() + " tensor");
        }
        return fromDevice(c).toArray(JAVA_INT);
    }

    @Override
    public void write(Tensor t, double[] values) {
        requireSize(t, values.length, "write");
        float[] f = new float[(int) Math.min(values.length, t.size())];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        write(t, f);
    }

    @Override
    public void write(Tensor t, float[] values) {
        CudaTensor c = cuda(t);
        requireSize(t, values.length, "write");
        if (c.dtype().halfWidth()) {
            short[] bits = new short[Math.toIntExact(c.size())];
            for (int i = 0; i < bits.length; i++) {
                bits[i] = HalfFloats.fromFloat(c.dtype(), values[i]);
            }
            toDevice(c, MemorySegment.ofArray(bits), 2L * c.size());
            return;
        }
        if (c.dtype() != DType.F32) {
            throw new IllegalArgumentException("write floats to a " + c.dtype() + " tensor");
        }
        toDevice(c, MemorySegment.ofArray(values), 4L * c.size());
    }

    @Override
    public void write(Tensor t, int[] values) {
        CudaTensor c = cuda(t);
        requireSize(t, values.length, "write");
        toDevice(c, MemorySegment.ofArray(values), 4L * c.size());
    }

    /**
     * Captures {@code work} as a CUDA graph on the compute stream, then launches it once. Not while kernels are
     * being timed (the profiler's events would be captured too) or with recording off: then the work just runs. A failure inside the work
     * abandons the capture and rethrows.
     */
    /** Recordings alive (tests: that steps were really captured). */
    int liveGraphs() {
        return graphs.size();
    }

    /** Whether {@link #recordAndRun} captures graphs (the default; the CLI turns it off with {@code --no-cuda-graphs}). */
    public CudaBackend recordGraphs(boolean on) {
        recordGraphs = on;
        return this;
    }

    @Override
    public java.util.Optional<dev.sim4j.engine.RecordedWork> recordAndRun(Runnable work) {
        if (profiler.recording() || !recordGraphs) {
            work.run();
            return java.util.Optional.empty();
        }
        pool.beginRecording();
        driver().streamBeginCapture(stream.handle());
        MemorySegment graph;
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            try {
                MemorySegment broken = driver().streamEndCapture(stream.handle());
                driver().graphDestroy(broken);
            } catch (RuntimeException ignored) {
                // the capture may already be invalid; the original failure is what matters
            }
            pool.abandonRecording();
            throw e;
        }
        graph = driver().streamEndCapture(stream.handle());
        MemorySegment exec = driver().graphInstantiate(graph);
        CudaGraph[] self = new CudaGraph[1];
        self[0] = new CudaGraph(driver(), stream, graph, exec, pool.endRecording(), () -> graphs.remove(self[0]));
        graphs.add(self[0]);
        self[0].replay();
        return java.util.Optional.of(self[0]);
    }

    @Override
    public InputStaging inputStaging() {
        if (inputStaging == null) {
            inputStaging = new CudaInputStaging(driver(), stream);
        }
        return inputStaging;
    }

    @Override
    public void close() {
        stream.synchronize();
        for (CudaGraph g : java.util.List.copyOf(graphs)) {
            g.close();
        }
        if (inputStaging != null) {
            inputStaging.close();
        }
        kernels.close();
        profiler.close();
        blas.close();
        cublasWorkspace.close();
        pool.close();
        if (staging != null) {
            staging.close();
        }
        stream.close();
        device.close();
    }
}
