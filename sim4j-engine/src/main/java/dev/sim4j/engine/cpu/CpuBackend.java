package dev.sim4j.engine.cpu;

import dev.sim4j.engine.DType;
import dev.sim4j.engine.KernelTimes;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.TensorScope;
import dev.sim4j.engine.kernels.AttentionKernels;
import dev.sim4j.engine.kernels.DenseKernels;
import dev.sim4j.engine.kernels.EmbeddingKernels;
import dev.sim4j.engine.kernels.FamilyBackend;
import dev.sim4j.engine.kernels.InputKernels;
import dev.sim4j.engine.kernels.LossKernels;
import dev.sim4j.engine.kernels.OptimizerKernels;
import dev.sim4j.engine.kernels.RecurrentKernels;
import dev.sim4j.engine.kernels.Shapes;
import java.util.Arrays;
import java.util.Optional;

/**
 * The fast embedded backend: float32 on the Java heap, GEMM through the Vector API kernel in
 * {@link dev.sim4j.engine.cpu.simd}, everything else as plain loops the JIT vectorises, parallel over the batch on a
 * private {@link java.util.concurrent.ForkJoinPool} of {@code threads} workers ({@link CpuParallel}). Its kernels
 * live in one class per family ({@link CpuDense}, {@link CpuEmbeddings}, {@link CpuAttention}, {@link CpuRecurrent},
 * {@link CpuLosses}, {@link CpuOptimizers}); this class adds the heap memory and the recycling of a step's arrays.
 *
 * <p>Determinism, whatever the thread count: work is only ever split over independent outputs, in chunks whose size
 * depends on the shapes alone (never on the thread count), and every chunk runs the same code; every reduction runs
 * in a fixed order inside one chunk, or as per-chunk partial sums added in chunk order. So threads = 1, 2 or 4 give
 * bit-identical results. Most reductions run in double and round once; transcendentals run in float through the
 * Vector API ({@link dev.sim4j.engine.cpu.simd.Activations}), each element through the same vector lanes; so results
 * sit within a few float ulps of {@link dev.sim4j.engine.reference.ScalarBackend} in float64. GEMM accumulates in
 * float with FMA.
 */
public final class CpuBackend extends FamilyBackend {
    private final CpuParallel par;
    /** The kernels' per-thread working arrays, shared by the families (their uses have separate slots). */
    private final Scratch scratch;
    /**
     * The recurrent family, also for the fused GRU and AUGRU steps (the {@link dev.sim4j.engine.Backend} defaults
     * compose several ops each, and their temporaries and extra passes over the batch cost more than the work).
     */
    private final CpuRecurrent recurrent;
    private final FloatArrayPool arrays = new FloatArrayPool();
    private final boolean poisonEmpty;
    /** Times the kernels for {@link #kernelTimes()}; null unless made by {@link #profiled(int)}. */
    private final KernelClock clock;

    /** A backend using all available processors. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** A backend running its kernels on {@code threads} threads (1 runs everything on the caller's thread). */
    public CpuBackend(int threads) {
        this(threads, false);
    }

    /**
     * As {@link #CpuBackend(int)}; {@code poisonEmpty} fills every {@link #empty} tensor with NaN, for tests that
     * prove no kernel reads an output it is meant to overwrite.
     */
    public CpuBackend(int threads, boolean poisonEmpty) {
        this(threads, poisonEmpty, null);
    }

    /**
     * A backend on {@code threads} threads whose {@link #kernelTimes()} measures the wall time of every kernel (for
     * {@code sim4j benchmark --profile}); each kernel call costs a little more than on a plain backend.
     */
    public static CpuBackend profiled(int threads) {
        return new CpuBackend(threads, false, new KernelClock());
    }

    private CpuBackend(int threads, boolean poisonEmpty, KernelClock clock) {
        CpuParallel par = new CpuParallel(threads);
        Scratch scratch = new Scratch();
        CpuRecurrent recurrent = new CpuRecurrent(par, scratch);
        super(timed(clock, DenseKernels.class, "dense", new CpuDense(par, scratch)),
                timed(clock, EmbeddingKernels.class, "embeddings", new CpuEmbeddings(par)),
                timed(clock, AttentionKernels.class, "attention", new CpuAttention(par, scratch)),
                timed(clock, RecurrentKernels.class, "recurrent", recurrent),
                timed(clock, LossKernels.class, "losses", new CpuLosses()),
                timed(clock, OptimizerKernels.class, "optimizers", new CpuOptimizers(par)),
                timed(clock, InputKernels.class, "input", new CpuInput(par)));
        this.par = par;
        this.scratch = scratch;
        this.recurrent = recurrent;
        this.poisonEmpty = poisonEmpty;
        this.clock = clock;
    }

    private static <T> T timed(KernelClock clock, Class<T> family, String name, T kernels) {
        return clock == null ? kernels : clock.wrap(family, name, kernels);
    }

    @Override
    public Optional<KernelTimes> kernelTimes() {
        return Optional.ofNullable(clock);
    }

    /** The number of threads kernels run on. */
    public int threads() {
        return par.threads();
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public DType floatType() {
        return DType.F32;
    }

    @Override
    public void augruGates(Tensor gp, Tensor s, Tensor g, Tensor r, Tensor u, Tensor rs) {
        if (clock != null) {
            clock.run("recurrent", "augruGates", () -> recurrent.augruGates(gp, s, g, r, u, rs));
            return;
        }
        recurrent.augruGates(gp, s, g, r, u, rs);
    }

    @Override
    public void augruCandidateUpdate(Tensor cp, Tensor u, Tensor s, Tensor a, Tensor c, Tensor out,
                                     boolean paperForm) {
        if (clock != null) {
            clock.run("recurrent", "augruCandidateUpdate",
                    () -> recurrent.augruCandidateUpdate(cp, u, s, a, c, out, paperForm));
            return;
        }
        recurrent.augruCandidateUpdate(cp, u, s, a, c, out, paperForm);
    }

    @Override
    public void gruStep(Tensor gx, Tensor gh, Tensor bRec, Tensor hPrev, Tensor hOut, Tensor cache) {
        if (clock != null) {
            clock.run("recurrent", "gruStep", () -> recurrent.gruStep(gx, gh, bRec, hPrev, hOut, cache));
            return;
        }
        recurrent.gruStep(gx, gh, bRec, hPrev, hOut, cache);
    }

    @Override
    public void gruStepBackward(Tensor dh, Tensor carry, Tensor gh, Tensor hPrev, Tensor cache, Tensor dhStep,
                                Tensor dgx, Tensor dgh, Tensor dhPrev) {
        if (clock != null) {
            clock.run("recurrent", "gruStepBackward",
                    () -> recurrent.gruStepBackward(dh, carry, gh, hPrev, cache, dhStep, dgx, dgh, dhPrev));
            return;
        }
        recurrent.gruStepBackward(dh, carry, gh, hPrev, cache, dhStep, dgx, dgh, dhPrev);
    }

    @Override
    public void augruCandidateUpdateBackward(Tensor u, Tensor c, Tensor s, Tensor a, Tensor ds, Tensor du,
                                             Tensor dc, Tensor da, Tensor dcp, Tensor dsPrev, boolean paperForm) {
        if (clock != null) {
            clock.run("recurrent", "augruCandidateUpdateBackward",
                    () -> recurrent.augruCandidateUpdateBackward(u, c, s, a, ds, du, dc, da, dcp, dsPrev, paperForm));
            return;
        }
        recurrent.augruCandidateUpdateBackward(u, c, s, a, ds, du, dc, da, dcp, dsPrev, paperForm);
    }

    @Override
    public void augruGatesBackward(Tensor drs, Tensor s, Tensor r, Tensor du, Tensor g, Tensor dgp, Tensor dsPrev) {
        if (clock != null) {
            clock.run("recurrent", "augruGatesBackward",
                    () -> recurrent.augruGatesBackward(drs, s, r, du, g, dgp, dsPrev));
            return;
        }
        recurrent.augruGatesBackward(drs, s, r, du, g, dgp, dsPrev);
    }

    @Override
    public void close() {
        par.close();
        // The workers' arrays go with their threads; the closing thread's are dropped here, not left on it.
        scratch.release();
    }

    @Override
    public Tensor zeros(DType dtype, int... shape) {
        return allocate(dtype, shape, true);
    }

    @Override
    public Tensor empty(DType dtype, int... shape) {
        return allocate(dtype, shape, false);
    }

    private Tensor allocate(DType dtype, int[] shape, boolean zero) {
        if (dtype == DType.F64) {
            throw new IllegalArgumentException("the cpu backend has no F64 tensors (floatType is F32)");
        }
        if (dtype == DType.F32 && Arrays.stream(shape).allMatch(d -> d >= 0)) {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return new CpuTensor(this, dtype, shape, arrays.take(Math.toIntExact(n), zero, poisonEmpty), null, null,
                    0);
        }
        return CpuTensor.allocate(this, dtype, shape);
    }

    @Override
    public TensorScope openScope() {
        return arrays.open();
    }

    @Override
    public Tensor upload(double[] values, int... shape) {
        Tensor x = zeros(DType.F32, shape);
        write(x, values);
        return x;
    }

    @Override
    public Tensor upload(float[] values, int... shape) {
        Tensor x = zeros(DType.F32, shape);
        write(x, values);
        return x;
    }

    @Override
    public Tensor upload(int[] values, int... shape) {
        Tensor x = zeros(DType.I32, shape);
        write(x, values);
        return x;
    }

    @Override
    public double[] toDoubles(Tensor x) {
        CpuTensor c = CpuTensor.of(x);
        double[] out = new double[c.size];
        for (int k = 0; k < c.size; k++) {
            out[k] = c.get(k);
        }
        return out;
    }

    @Override
    public float[] toFloats(Tensor x) {
        CpuTensor c = CpuTensor.of(x);
        if (c.dtype == DType.F32) {
            return Arrays.copyOfRange(c.f, c.offset, c.offset + c.size);
        }
        float[] out = new float[c.size];
        for (int k = 0; k < c.size; k++) {
            out[k] = (float) c.get(k);
        }
        return out;
    }

    @Override
    public int[] toInts(Tensor x) {
        CpuTensor c = CpuArrays.i32(x);
        return Arrays.copyOfRange(c.i, c.offset, c.offset + c.size);
    }

    @Override
    public void write(Tensor x, double[] values) {
        CpuTensor c = CpuTensor.of(x);
        Shapes.require(values.length >= c.size, "write: too few values (" + values.length + ")", x);
        for (int k = 0; k < c.size; k++) {
            c.set(k, values[k]);
        }
    }

    @Override
    public void write(Tensor x, float[] values) {
        CpuTensor c = CpuTensor.of(x);
        Shapes.require(values.length >= c.size, "write: too few values (" + values.length + ")", x);
        if (c.dtype == DType.F32) {
            System.arraycopy(values, 0, c.f, c.offset, c.size);
            return;
        }
        for (int k = 0; k < c.size; k++) {
            c.set(k, values[k]);
        }
    }

    @Override
    public void write(Tensor x, int[] values) {
        CpuTensor c = CpuTensor.of(x);
        Shapes.require(values.length >= c.size, "write: too few values (" + values.length + ")", x);
        if (c.dtype == DType.I32) {
            System.arraycopy(values, 0, c.i, c.offset, c.size);
            return;
        }
        for (int k = 0; k < c.size; k++) {
            c.set(k, values[k]);
        }
    }
}
