package dev.sim4j.engine.cpu;

import static dev.sim4j.engine.cpu.ScalarBackend.require;
import static dev.sim4j.engine.cpu.ScalarBackend.rowsOf;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.TensorScope;
import dev.sim4j.engine.cpu.simd.Activations;
import dev.sim4j.engine.cpu.simd.AdamKernel;
import dev.sim4j.engine.cpu.simd.Gemm;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * The fast embedded backend: float32 on the Java heap, GEMM through the Vector API kernel in
 * {@link dev.sim4j.engine.cpu.simd}, everything else as plain loops the JIT vectorises, parallel over the batch on a
 * private {@link ForkJoinPool} of {@code threads} workers.
 *
 * <p>Determinism, whatever the thread count: work is only ever split over independent outputs, in chunks whose size
 * depends on the shapes alone (never on the thread count), and every chunk runs the same code; every reduction runs
 * in a fixed order inside one chunk, or as per-chunk partial sums added in chunk order. So threads = 1, 2 or 4 give
 * bit-identical results. Most reductions run in double and round once; transcendentals run in float through the
 * Vector API ({@link Activations}), each element through the same vector lanes; so results sit within a few float
 * ulps of {@link ScalarBackend} in float64. GEMM accumulates in float with FMA.
 */
public final class CpuBackend implements Backend {
    /** Target elements of work per parallel chunk: big enough to amortise a fork, small enough to balance. */
    private static final int WORK = 16_384;
    /** GEMM cache tile of C per parallel chunk: rows (a multiple of {@link Gemm#MR}) and columns. */
    private static final int MC = 64;
    private static final int NC = 128;
    /**
     * GEMM reduction super-block: the p-range all chunks sweep before moving on, so the A and B rows they share stay
     * in the last-level cache when p is the long batch dimension (weight gradients, A^T B).
     */
    private static final int KSUPER = 4096;
    /** Products with fewer C tiles than this and K >= 2 KSUPER split K (see matmulSplitK). */
    private static final int SPLIT_K_TILES = 8;
    /** At most this many K parts. */
    private static final int SPLIT_K_PARTS = 8;
    /** Buckets of table rows for the parallel scatter-add (a constant, so the split is the same for every run). */
    private static final int SCATTER_BUCKETS = 64;

    private final int threads;
    private final ForkJoinPool pool;
    private final FloatArrayPool arrays = new FloatArrayPool();
    private final boolean poisonEmpty;

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
        this.poisonEmpty = poisonEmpty;
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads, p -> {
            ForkJoinWorkerThread w = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            w.setName("sim4j-cpu-" + w.getPoolIndex());
            w.setDaemon(true);
            return w;
        }, null, false);
    }

    /** The number of threads kernels run on. */
    public int threads() {
        return threads;
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
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    // ---------------------------------------------------------------- threading

    /** The body of a parallel loop over {@code [lo, hi)}. */
    @FunctionalInterface
    private interface Body {
        void run(int lo, int hi);
    }

    /**
     * Runs body over {@code [0, n)} in chunks of {@code grain}. Always chunk by chunk, also on one thread, so each
     * element sees the same code path (same tails, same partial sums) at every thread count.
     */
    private void forChunks(int n, int grain, Body body) {
        if (n <= 0) {
            return;
        }
        int chunks = (int) ((n + (long) grain - 1) / grain);
        if (pool == null || chunks == 1) {
            for (int c = 0; c < chunks; c++) {
                body.run(c * grain, Math.min(n, (c + 1) * grain));
            }
            return;
        }
        pool.invoke(new Chunks(body, n, grain, 0, chunks));
    }

    private static final class Chunks extends RecursiveAction {
        private final Body body;
        private final int n;
        private final int grain;
        private final int lo;
        private final int hi;

        Chunks(Body body, int n, int grain, int lo, int hi) {
            this.body = body;
            this.n = n;
            this.grain = grain;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                body.run(lo * grain, Math.min(n, (lo + 1) * grain));
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Chunks(body, n, grain, lo, mid), new Chunks(body, n, grain, mid, hi));
        }
    }

    /** Rows per chunk for rows of {@code rowWork} elements: a function of the shape only. */
    private static int rowGrain(long rowWork) {
        return (int) Math.max(1, WORK / Math.max(1, rowWork));
    }

    // ---------------------------------------------------------------- helpers

    private static CpuTensor f32(Tensor x) {
        CpuTensor c = ScalarBackend.t(x);
        if (c.dtype != DType.F32) {
            throw new IllegalArgumentException("the cpu backend computes in F32; got " + x);
        }
        return c;
    }

    private static CpuTensor i32(Tensor x) {
        CpuTensor c = ScalarBackend.t(x);
        if (c.dtype != DType.I32) {
            throw new IllegalArgumentException("expected an I32 tensor; got " + x);
        }
        return c;
    }

    private static void sameSize(Tensor a, Tensor b, String op) {
        require(a.size() == b.size(), op, a, b);
    }

    private static void checkIds(CpuTensor ids, int bound, String op) {
        int[] v = ids.i;
        for (int k = 0, o = ids.offset; k < ids.size; k++) {
            int id = v[o + k];
            if (id < 0 || id >= bound) {
                throw new IndexOutOfBoundsException(op + ": index " + id + " at " + k + " outside [0, " + bound + ")");
            }
        }
    }

    static double sigmoid(double v) {
        return ScalarBackend.sigmoid(v);
    }

    // ---------------------------------------------------------------- memory

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
        CpuTensor c = ScalarBackend.t(x);
        double[] out = new double[c.size];
        for (int k = 0; k < c.size; k++) {
            out[k] = c.get(k);
        }
        return out;
    }

    @Override
    public float[] toFloats(Tensor x) {
        CpuTensor c = ScalarBackend.t(x);
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
        CpuTensor c = i32(x);
        return Arrays.copyOfRange(c.i, c.offset, c.offset + c.size);
    }

    @Override
    public void write(Tensor x, double[] values) {
        CpuTensor c = ScalarBackend.t(x);
        require(values.length >= c.size, "write: too few values (" + values.length + ")", x);
        for (int k = 0; k < c.size; k++) {
            c.set(k, values[k]);
        }
    }

    @Override
    public void write(Tensor x, float[] values) {
        CpuTensor c = ScalarBackend.t(x);
        require(values.length >= c.size, "write: too few values (" + values.length + ")", x);
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
        CpuTensor c = ScalarBackend.t(x);
        require(values.length >= c.size, "write: too few values (" + values.length + ")", x);
        if (c.dtype == DType.I32) {
            System.arraycopy(values, 0, c.i, c.offset, c.size);
            return;
        }
        for (int k = 0; k < c.size; k++) {
            c.set(k, values[k]);
        }
    }

    @Override
    public void fill(Tensor x, double value) {
        CpuTensor c = ScalarBackend.t(x);
        switch (c.dtype) {
            case F32 -> Arrays.fill(c.f, c.offset, c.offset + c.size, (float) value);
            case I32 -> Arrays.fill(c.i, c.offset, c.offset + c.size, (int) value);
            case F64 -> Arrays.fill(c.d, c.offset, c.offset + c.size, value);
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        CpuTensor s = ScalarBackend.t(src);
        CpuTensor o = ScalarBackend.t(dst);
        require(s.size == o.size, "copy", src, dst);
        if (s.dtype == o.dtype) {
            switch (s.dtype) {
                case F32 -> System.arraycopy(s.f, s.offset, o.f, o.offset, s.size);
                case I32 -> System.arraycopy(s.i, s.offset, o.i, o.offset, s.size);
                case F64 -> System.arraycopy(s.d, s.offset, o.d, o.offset, s.size);
            }
            return;
        }
        for (int k = 0; k < s.size; k++) {
            o.set(k, s.get(k));
        }
    }

    // ---------------------------------------------------------------- dense algebra

    @Override
    public void matmul(Tensor a, boolean ta, Tensor b, boolean tb, Tensor c, double beta) {
        require(a.rank() == 2 && b.rank() == 2 && c.rank() == 2, "matmul needs 2-D tensors", a, b, c);
        int m = ta ? a.dim(1) : a.dim(0);
        int k = ta ? a.dim(0) : a.dim(1);
        int k2 = tb ? b.dim(1) : b.dim(0);
        int n = tb ? b.dim(0) : b.dim(1);
        require(k == k2 && c.dim(0) == m && c.dim(1) == n, "matmul", a, b, c);
        CpuTensor x = f32(a);
        CpuTensor y = f32(b);
        CpuTensor z = f32(c);
        if (m == 0 || n == 0) {
            return;
        }
        int lda = a.dim(1);
        int ldb = b.dim(1);
        // A is read in place through strides; the kernel wants rows of B contiguous, so B^T is transposed once
        // (K x N floats, small next to the M x K x N work).
        int aSI = ta ? 1 : lda;
        int aSP = ta ? lda : 1;
        float[] bArr;
        int bOff;
        if (tb) {
            bArr = new float[k * n];
            bOff = 0;
            float[] src = y.f;
            int so = y.offset;
            for (int j = 0; j < n; j++) {
                int row = so + j * ldb;
                for (int p = 0; p < k; p++) {
                    bArr[p * n + j] = src[row + p];
                }
            }
        } else {
            bArr = y.f;
            bOff = y.offset;
        }
        int bLd = tb ? n : ldb;
        float[] af = x.f;
        int ao = x.offset;
        float[] cf = z.f;
        int co = z.offset;
        int tilesM = (m + MC - 1) / MC;
        int tilesN = (n + NC - 1) / NC;
        if (k == 0) {
            forChunks(tilesM * tilesN, 1, (lo, hi) -> {
                for (int t = lo; t < hi; t++) {
                    int i0 = (t / tilesN) * MC;
                    int j0 = (t % tilesN) * NC;
                    Gemm.block(af, ao, aSI, aSP, bArr, bOff, bLd, cf, co, n, i0, Math.min(m, i0 + MC), j0,
                            Math.min(n, j0 + NC), 0, 0, (float) beta);
                }
            });
            return;
        }
        if (tilesM * tilesN < SPLIT_K_TILES && k >= 2 * KSUPER) {
            matmulSplitK(af, ao, aSI, aSP, bArr, bOff, bLd, cf, co, m, n, k, tilesM, tilesN, (float) beta);
            return;
        }
        for (int p0 = 0; p0 < k; p0 += KSUPER) {
            int p1 = Math.min(k, p0 + KSUPER);
            float be = p0 == 0 ? (float) beta : 1f;
            int from = p0;
            forChunks(tilesM * tilesN, 1, (lo, hi) -> {
                for (int t = lo; t < hi; t++) {
                    int i0 = (t / tilesN) * MC;
                    int j0 = (t % tilesN) * NC;
                    Gemm.block(af, ao, aSI, aSP, bArr, bOff, bLd, cf, co, n, i0, Math.min(m, i0 + MC), j0,
                            Math.min(n, j0 + NC), from, p1, be);
                }
            });
        }
    }

    /**
     * A product with a long reduction and few output tiles (a weight gradient A^T B over B x T rows into a small
     * kernel): tiling C alone would leave threads idle, so K is cut into a number of parts fixed by K alone, each
     * (part, tile) pair is a chunk writing its own partial product, and the partials are added in part order. The
     * split depends on the shapes only, so the result is the same at every thread count.
     */
    private void matmulSplitK(float[] af, int ao, int aSI, int aSP, float[] bArr, int bOff, int bLd, float[] cf, int co,
                              int m, int n, int k, int tilesM, int tilesN, float beta) {
        int parts = Math.min(SPLIT_K_PARTS, k / KSUPER);
        int tiles = tilesM * tilesN;
        int size = m * n;
        float[] partial = new float[parts * size];
        forChunks(parts * tiles, 1, (lo, hi) -> {
            for (int q = lo; q < hi; q++) {
                int part = q / tiles;
                int t = q % tiles;
                int p0 = (int) ((long) part * k / parts);
                int p1 = (int) ((long) (part + 1) * k / parts);
                int i0 = (t / tilesN) * MC;
                int j0 = (t % tilesN) * NC;
                Gemm.block(af, ao, aSI, aSP, bArr, bOff, bLd, partial, part * size, n, i0, Math.min(m, i0 + MC), j0,
                        Math.min(n, j0 + NC), p0, p1, 0f);
            }
        });
        forChunks(m, rowGrain((long) n * parts), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j < n; j++) {
                    int e = i * n + j;
                    float sum = partial[e];
                    for (int part = 1; part < parts; part++) {
                        sum += partial[part * size + e];
                    }
                    cf[co + e] = beta == 0f ? sum : beta * cf[co + e] + sum;
                }
            }
        });
    }

    @Override
    public void addRowVector(Tensor x, Tensor v) {
        CpuTensor a = f32(x);
        CpuTensor b = f32(v);
        int n = x.dim(-1);
        require(v.size() == n, "addRowVector", x, v);
        int m = rowsOf(x);
        float[] af = a.f;
        float[] bf = b.f;
        int bo = b.offset;
        forChunks(m, rowGrain(n), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int row = a.offset + r * n;
                for (int j = 0; j < n; j++) {
                    af[row + j] += bf[bo + j];
                }
            }
        });
    }

    /**
     * Column sums of {@code f(row, column)} over rows, in double: per-chunk partial sums (chunks of a fixed number of
     * rows) added in chunk order, so the order of every sum depends on the shape alone.
     */
    private double[] columnSums(int m, int n, RowTerm term) {
        int grain = Math.max(rowGrain(n), 64);
        int chunks = (m + grain - 1) / grain;
        double[] part = new double[Math.max(chunks, 1) * n];
        forChunks(m, grain, (lo, hi) -> term.add(lo, hi, part, (lo / grain) * n));
        double[] out = new double[n];
        for (int c = 0; c < chunks; c++) {
            for (int j = 0; j < n; j++) {
                out[j] += part[c * n + j];
            }
        }
        return out;
    }

    /** Adds the terms of rows {@code [lo, hi)} to {@code acc[at + column]}. */
    @FunctionalInterface
    private interface RowTerm {
        void add(int lo, int hi, double[] acc, int at);
    }

    @Override
    public void sumRows(Tensor x, Tensor out, double beta) {
        CpuTensor a = f32(x);
        CpuTensor o = f32(out);
        int n = x.dim(-1);
        require(out.size() == n, "sumRows", x, out);
        int m = rowsOf(x);
        float[] af = a.f;
        double[] s = columnSums(m, n, (lo, hi, acc, at) -> {
            for (int r = lo; r < hi; r++) {
                int row = a.offset + r * n;
                for (int j = 0; j < n; j++) {
                    acc[at + j] += af[row + j];
                }
            }
        });
        for (int j = 0; j < n; j++) {
            int oi = o.offset + j;
            o.f[oi] = (float) ((beta == 0 ? 0 : beta * o.f[oi]) + s[j]);
        }
    }

    /** Elementwise kernels over flat index ranges. */
    @FunctionalInterface
    private interface Flat {
        void run(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n);
    }

    private void flat(Tensor a, Tensor b, Tensor out, String op, Flat kernel) {
        sameSize(a, out, op);
        CpuTensor x = f32(a);
        CpuTensor y = b == null ? null : f32(b);
        if (b != null) {
            sameSize(a, b, op);
        }
        CpuTensor o = f32(out);
        forChunks(x.size, WORK, (lo, hi) -> kernel.run(x.f, x.offset + lo, y == null ? null : y.f,
                y == null ? 0 : y.offset + lo, o.f, o.offset + lo, hi - lo));
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        flat(a, b, out, "add", (x, xo, y, yo, o, oo, n) -> {
            for (int k = 0; k < n; k++) {
                o[oo + k] = x[xo + k] + y[yo + k];
            }
        });
    }

    @Override
    public void subtract(Tensor a, Tensor b, Tensor out) {
        flat(a, b, out, "subtract", (x, xo, y, yo, o, oo, n) -> {
            for (int k = 0; k < n; k++) {
                o[oo + k] = x[xo + k] - y[yo + k];
            }
        });
    }

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        float al = (float) alpha;
        // One rounding per element, like the double reference rounded to float (FMA on both vector and tail lanes).
        flat(x, null, y, "axpy", (a, ao, unused, uo, o, oo, n) -> {
            for (int k = 0; k < n; k++) {
                o[oo + k] = Math.fma(al, a[ao + k], o[oo + k]);
            }
        });
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        flat(a, b, out, "mul", (x, xo, y, yo, o, oo, n) -> {
            for (int k = 0; k < n; k++) {
                o[oo + k] = x[xo + k] * y[yo + k];
            }
        });
    }

    @Override
    public void mulRows(Tensor x, Tensor s, Tensor out) {
        sameSize(x, out, "mulRows");
        int n = x.dim(-1);
        int m = rowsOf(x);
        require(s.size() == m, "mulRows", x, s);
        CpuTensor a = f32(x);
        CpuTensor b = f32(s);
        CpuTensor o = f32(out);
        forChunks(m, rowGrain(n), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                float sv = b.f[b.offset + r];
                int ai = a.offset + r * n;
                int oi = o.offset + r * n;
                for (int j = 0; j < n; j++) {
                    o.f[oi + j] = a.f[ai + j] * sv;
                }
            }
        });
    }

    @Override
    public void rowDot(Tensor a, Tensor b, Tensor out) {
        sameSize(a, b, "rowDot");
        int n = a.dim(-1);
        int m = rowsOf(a);
        require(out.size() == m, "rowDot", a, out);
        CpuTensor x = f32(a);
        CpuTensor y = f32(b);
        CpuTensor o = f32(out);
        forChunks(m, rowGrain(n), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                o.f[o.offset + r] = (float) dot(x.f, x.offset + r * n, y.f, y.offset + r * n, n);
            }
        });
    }

    /** A dot product summed in double, in order. */
    private static double dot(float[] a, int ao, float[] b, int bo, int n) {
        double s = 0;
        for (int k = 0; k < n; k++) {
            s += (double) a[ao + k] * b[bo + k];
        }
        return s;
    }

    @Override
    public void scale(Tensor x, double s) {
        float sv = (float) s;
        flat(x, null, x, "scale", (a, ao, unused, uo, o, oo, n) -> {
            for (int k = 0; k < n; k++) {
                o[oo + k] = a[ao + k] * sv;
            }
        });
    }

    // ---------------------------------------------------------------- activations

    @Override
    public void sigmoid(Tensor x, Tensor y) {
        flat(x, null, y, "sigmoid", (a, ao, unused, uo, o, oo, n) -> Activations.sigmoid(a, ao, o, oo, n));
    }

    @Override
    public void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        flat(y, dy, dx, "sigmoidBackward", (a, ao, g, go, o, oo, n) -> {
            for (int k = 0; k < n; k++) {
                double s = a[ao + k];
                o[oo + k] = (float) (g[go + k] * s * (1 - s));
            }
        });
    }

    @Override
    public void tanh(Tensor x, Tensor y) {
        flat(x, null, y, "tanh", (a, ao, unused, uo, o, oo, n) -> Activations.tanh(a, ao, o, oo, n));
    }

    @Override
    public void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        flat(y, dy, dx, "tanhBackward", (a, ao, g, go, o, oo, n) -> {
            for (int k = 0; k < n; k++) {
                double s = a[ao + k];
                o[oo + k] = (float) (g[go + k] * (1 - s * s));
            }
        });
    }

    @Override
    public void prelu(Tensor x, Tensor alpha, Tensor y) {
        sameSize(x, y, "prelu");
        int n = x.dim(-1);
        require(alpha.size() == n, "prelu", x, alpha);
        CpuTensor a = f32(x);
        CpuTensor al = f32(alpha);
        CpuTensor o = f32(y);
        forChunks(rowsOf(x), rowGrain(n), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int ai = a.offset + r * n;
                int oi = o.offset + r * n;
                for (int j = 0; j < n; j++) {
                    float v = a.f[ai + j];
                    o.f[oi + j] = v > 0 ? v : al.f[al.offset + j] * v;
                }
            }
        });
    }

    @Override
    public void preluBackward(Tensor x, Tensor alpha, Tensor dy, Tensor dx, Tensor dAlpha) {
        sameSize(x, dy, "preluBackward");
        sameSize(x, dx, "preluBackward");
        int n = x.dim(-1);
        int m = rowsOf(x);
        require(alpha.size() == n && dAlpha.size() == n, "preluBackward", x, alpha, dAlpha);
        CpuTensor a = f32(x);
        CpuTensor al = f32(alpha);
        CpuTensor g = f32(dy);
        CpuTensor o = f32(dx);
        CpuTensor da = f32(dAlpha);
        double[] s = columnSums(m, n, (lo, hi, acc, at) -> {
            for (int r = lo; r < hi; r++) {
                int ai = a.offset + r * n;
                int gi = g.offset + r * n;
                for (int j = 0; j < n; j++) {
                    acc[at + j] += (double) g.f[gi + j] * Math.min(a.f[ai + j], 0f);
                }
            }
        });
        for (int j = 0; j < n; j++) {
            da.f[da.offset + j] = (float) (da.f[da.offset + j] + s[j]);
        }
        forChunks(m, rowGrain(n), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int ai = a.offset + r * n;
                int gi = g.offset + r * n;
                int oi = o.offset + r * n;
                for (int j = 0; j < n; j++) {
                    o.f[oi + j] = a.f[ai + j] > 0 ? g.f[gi + j] : g.f[gi + j] * al.f[al.offset + j];
                }
            }
        });
    }

    // ---------------------------------------------------------------- layout

    @Override
    public void concatColumns(List<Tensor> parts, Tensor out) {
        int m = rowsOf(out);
        int n = out.dim(-1);
        int total = 0;
        for (Tensor p : parts) {
            require(rowsOf(p) == m, "concatColumns: rows differ", p, out);
            total += p.dim(-1);
        }
        require(total == n, "concatColumns: widths do not add up", out);
        CpuTensor o = f32(out);
        CpuTensor[] ps = parts.stream().map(CpuBackend::f32).toArray(CpuTensor[]::new);
        forChunks(m, rowGrain(n), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int col = 0;
                for (CpuTensor p : ps) {
                    int w = p.shape[p.shape.length - 1];
                    System.arraycopy(p.f, p.offset + r * w, o.f, o.offset + r * n + col, w);
                    col += w;
                }
            }
        });
    }

    @Override
    public void splitColumns(Tensor in, List<Tensor> parts, boolean accumulate) {
        int m = rowsOf(in);
        int n = in.dim(-1);
        int total = 0;
        for (Tensor p : parts) {
            require(rowsOf(p) == m, "splitColumns: rows differ", in, p);
            total += p.dim(-1);
        }
        require(total == n, "splitColumns: widths do not add up", in);
        CpuTensor s = f32(in);
        CpuTensor[] ps = parts.stream().map(CpuBackend::f32).toArray(CpuTensor[]::new);
        forChunks(m, rowGrain(n), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int col = 0;
                for (CpuTensor p : ps) {
                    int w = p.shape[p.shape.length - 1];
                    int si = s.offset + r * n + col;
                    int pi = p.offset + r * w;
                    if (accumulate) {
                        for (int j = 0; j < w; j++) {
                            p.f[pi + j] += s.f[si + j];
                        }
                    } else {
                        System.arraycopy(s.f, si, p.f, pi, w);
                    }
                    col += w;
                }
            }
        });
    }

    @Override
    public void transpose01(Tensor x, Tensor out) {
        require(x.rank() == 3 && out.rank() == 3 && x.dim(0) == out.dim(1) && x.dim(1) == out.dim(0)
                && x.dim(2) == out.dim(2), "transpose01", x, out);
        int a = x.dim(0);
        int b = x.dim(1);
        int d = x.dim(2);
        CpuTensor s = f32(x);
        CpuTensor o = f32(out);
        forChunks(b, rowGrain((long) a * d), (lo, hi) -> {
            for (int j = lo; j < hi; j++) {
                for (int i = 0; i < a; i++) {
                    System.arraycopy(s.f, s.offset + (i * b + j) * d, o.f, o.offset + (j * a + i) * d, d);
                }
            }
        });
    }

    // ---------------------------------------------------------------- embeddings

    @Override
    public void gatherRows(Tensor table, Tensor ids, Tensor out) {
        int e = table.dim(-1);
        int rows = table.dim(0);
        int n = (int) ids.size();
        require(out.size() == (long) n * e, "gatherRows", table, ids, out);
        CpuTensor tb = f32(table);
        CpuTensor id = i32(ids);
        CpuTensor o = f32(out);
        checkIds(id, rows, "gatherRows");
        forChunks(n, rowGrain(e), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                System.arraycopy(tb.f, tb.offset + id.i[id.offset + r] * e, o.f, o.offset + r * e, e);
            }
        });
    }

    @Override
    public void scatterAddRows(Tensor dOut, Tensor ids, Tensor dTable) {
        int e = dTable.dim(-1);
        int rows = dTable.dim(0);
        int n = (int) ids.size();
        require(dOut.size() == (long) n * e, "scatterAddRows", dOut, ids, dTable);
        CpuTensor g = f32(dOut);
        CpuTensor id = i32(ids);
        CpuTensor o = f32(dTable);
        checkIds(id, rows, "scatterAddRows");
        if (pool == null || (long) n * e < 4L * WORK) {
            addRows(g, id, o, e, null, 0, n);
            return;
        }
        // A stable counting sort of the n positions by bucket of destination rows; each bucket then adds its rows in
        // order of n. Every table row is owned by one bucket and sees its additions in the order of the sequential
        // loop, so the result is the sequential one, bit for bit, at any thread count.
        int[] bucketStart = new int[SCATTER_BUCKETS + 1];
        int[] bucketOf = new int[n];
        for (int r = 0; r < n; r++) {
            int bkt = (int) ((long) id.i[id.offset + r] * SCATTER_BUCKETS / rows);
            bucketOf[r] = bkt;
            bucketStart[bkt + 1]++;
        }
        for (int bkt = 0; bkt < SCATTER_BUCKETS; bkt++) {
            bucketStart[bkt + 1] += bucketStart[bkt];
        }
        int[] order = new int[n];
        int[] fillAt = Arrays.copyOf(bucketStart, SCATTER_BUCKETS);
        for (int r = 0; r < n; r++) {
            order[fillAt[bucketOf[r]]++] = r;
        }
        forChunks(SCATTER_BUCKETS, 1, (lo, hi) -> {
            for (int bkt = lo; bkt < hi; bkt++) {
                addRows(g, id, o, e, order, bucketStart[bkt], bucketStart[bkt + 1]);
            }
        });
    }

    /** dTable[ids[r]] += dOut[r] for r = order[from..to) (or r = from..to when order is null), in that order. */
    private static void addRows(CpuTensor g, CpuTensor id, CpuTensor o, int e, int[] order, int from, int to) {
        float[] gf = g.f;
        float[] of = o.f;
        for (int q = from; q < to; q++) {
            int r = order == null ? q : order[q];
            int dst = o.offset + id.i[id.offset + r] * e;
            int src = g.offset + r * e;
            for (int j = 0; j < e; j++) {
                of[dst + j] += gf[src + j];
            }
        }
    }

    @Override
    public void embedSequence(Tensor items, Tensor categories, Tensor itemIds, Tensor categoryIds, int from, int to,
                              Tensor out, Tensor mask) {
        int b = itemIds.dim(0);
        int tt = itemIds.dim(1);
        int e1 = items.dim(1);
        int e2 = categories.dim(1);
        int w = to - from;
        int width = e1 + e2;
        require(from >= 0 && from <= to && to <= tt && categoryIds.size() == itemIds.size()
                && out.size() == (long) b * w * width && mask.size() == (long) b * w,
                "embedSequence", itemIds, categoryIds, out, mask);
        CpuTensor it = f32(items);
        CpuTensor ct = f32(categories);
        CpuTensor ii = i32(itemIds);
        CpuTensor ci = i32(categoryIds);
        CpuTensor o = f32(out);
        CpuTensor m = f32(mask);
        checkIds(ii, items.dim(0), "embedSequence (item ids)");
        checkIds(ci, categories.dim(0), "embedSequence (category ids)");
        forChunks(b, rowGrain((long) w * width), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                for (int s = 0; s < w; s++) {
                    int item = ii.i[ii.offset + r * tt + from + s];
                    int cat = ci.i[ci.offset + r * tt + from + s];
                    int row = r * w + s;
                    int dst = o.offset + row * width;
                    if (item > 0) {
                        System.arraycopy(it.f, it.offset + item * e1, o.f, dst, e1);
                        System.arraycopy(ct.f, ct.offset + cat * e2, o.f, dst + e1, e2);
                        m.f[m.offset + row] = 1;
                    } else {
                        Arrays.fill(o.f, dst, dst + width, 0f);
                        m.f[m.offset + row] = 0;
                    }
                }
            }
        });
    }

    @Override
    public void embedSequenceBackward(Tensor dOut, Tensor itemIds, Tensor categoryIds, int from, int to,
                                      Tensor dItems, Tensor dCategories) {
        int b = itemIds.dim(0);
        int tt = itemIds.dim(1);
        int e1 = dItems.dim(1);
        int e2 = dCategories.dim(1);
        int w = to - from;
        require(from >= 0 && from <= to && to <= tt && categoryIds.size() == itemIds.size()
                && dOut.size() == (long) b * w * (e1 + e2), "embedSequenceBackward", dOut, itemIds, dItems);
        CpuTensor g = f32(dOut);
        CpuTensor ii = i32(itemIds);
        CpuTensor ci = i32(categoryIds);
        CpuTensor di = f32(dItems);
        CpuTensor dc = f32(dCategories);
        checkIds(ii, dItems.dim(0), "embedSequenceBackward (item ids)");
        checkIds(ci, dCategories.dim(0), "embedSequenceBackward (category ids)");
        // The non-padding positions, in order of (b, t): rows of dOut and their ids.
        int[] rowsOfG = new int[b * w];
        int[] itemOf = new int[b * w];
        int[] catOf = new int[b * w];
        int n = 0;
        for (int r = 0; r < b; r++) {
            for (int s = 0; s < w; s++) {
                int item = ii.i[ii.offset + r * tt + from + s];
                if (item != 0) {
                    rowsOfG[n] = r * w + s;
                    itemOf[n] = item;
                    catOf[n] = ci.i[ci.offset + r * tt + from + s];
                    n++;
                }
            }
        }
        scatterColumns(g, e1 + e2, 0, rowsOfG, itemOf, n, di, e1);
        scatterColumns(g, e1 + e2, e1, rowsOfG, catOf, n, dc, e2);
    }

    /**
     * table[ids[q]] += g[rowsOfG[q], col .. col + e) for q in [0, n), each table row in order of q: bucketed by
     * destination row like {@link #scatterAddRows}, so the result is the sequential loop's at any thread count.
     */
    private void scatterColumns(CpuTensor g, int gWidth, int col, int[] rowsOfG, int[] ids, int n, CpuTensor table,
                                int e) {
        int rows = table.dim(0);
        float[] gf = g.f;
        float[] tf = table.f;
        if (pool == null || (long) n * e < 4L * WORK) {
            for (int q = 0; q < n; q++) {
                int src = g.offset + rowsOfG[q] * gWidth + col;
                int dst = table.offset + ids[q] * e;
                for (int j = 0; j < e; j++) {
                    tf[dst + j] += gf[src + j];
                }
            }
            return;
        }
        int[] bucketStart = new int[SCATTER_BUCKETS + 1];
        for (int q = 0; q < n; q++) {
            bucketStart[(int) ((long) ids[q] * SCATTER_BUCKETS / rows) + 1]++;
        }
        for (int bkt = 0; bkt < SCATTER_BUCKETS; bkt++) {
            bucketStart[bkt + 1] += bucketStart[bkt];
        }
        int[] order = new int[n];
        int[] fillAt = Arrays.copyOf(bucketStart, SCATTER_BUCKETS);
        for (int q = 0; q < n; q++) {
            order[fillAt[(int) ((long) ids[q] * SCATTER_BUCKETS / rows)]++] = q;
        }
        forChunks(SCATTER_BUCKETS, 1, (lo, hi) -> {
            for (int bkt = lo; bkt < hi; bkt++) {
                for (int k = bucketStart[bkt]; k < bucketStart[bkt + 1]; k++) {
                    int q = order[k];
                    int src = g.offset + rowsOfG[q] * gWidth + col;
                    int dst = table.offset + ids[q] * e;
                    for (int j = 0; j < e; j++) {
                        tf[dst + j] += gf[src + j];
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------- attention and selection

    @Override
    public void batchedDot(Tensor keys, Tensor query, Tensor out) {
        int b = keys.dim(0);
        int tt = keys.dim(1);
        int d = keys.dim(2);
        require(query.size() == (long) b * d && out.size() == (long) b * tt, "batchedDot", keys, query, out);
        CpuTensor k = f32(keys);
        CpuTensor q = f32(query);
        CpuTensor o = f32(out);
        forChunks(b, rowGrain((long) tt * d), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int s = 0; s < tt; s++) {
                    o.f[o.offset + i * tt + s] = (float) dot(k.f, k.offset + (i * tt + s) * d, q.f, q.offset + i * d, d);
                }
            }
        });
    }

    @Override
    public void batchedDotBackward(Tensor keys, Tensor query, Tensor dOut, Tensor dKeys, Tensor dQuery) {
        int b = keys.dim(0);
        int tt = keys.dim(1);
        int d = keys.dim(2);
        require(query.size() == (long) b * d && dOut.size() == (long) b * tt && dKeys.size() == keys.size()
                && dQuery.size() == query.size(), "batchedDotBackward", keys, query, dOut, dKeys, dQuery);
        CpuTensor k = f32(keys);
        CpuTensor q = f32(query);
        CpuTensor g = f32(dOut);
        CpuTensor dk = f32(dKeys);
        CpuTensor dq = f32(dQuery);
        forChunks(b, rowGrain((long) tt * d), (lo, hi) -> {
            double[] acc = new double[d];
            for (int i = lo; i < hi; i++) {
                Arrays.fill(acc, 0);
                int qi = q.offset + i * d;
                for (int s = 0; s < tt; s++) {
                    float gv = g.f[g.offset + i * tt + s];
                    int ki = k.offset + (i * tt + s) * d;
                    int dki = dk.offset + (i * tt + s) * d;
                    for (int j = 0; j < d; j++) {
                        // fma: one rounding, as the double reference rounded to float.
                        dk.f[dki + j] = Math.fma(gv, q.f[qi + j], dk.f[dki + j]);
                        acc[j] += (double) gv * k.f[ki + j];
                    }
                }
                int dqi = dq.offset + i * d;
                for (int j = 0; j < d; j++) {
                    dq.f[dqi + j] = (float) (dq.f[dqi + j] + acc[j]);
                }
            }
        });
    }

    @Override
    public void weightedSum(Tensor weights, Tensor values, Tensor out) {
        int b = values.dim(0);
        int tt = values.dim(1);
        int d = values.dim(2);
        require(weights.size() == (long) b * tt && out.size() == (long) b * d, "weightedSum", weights, values, out);
        CpuTensor w = f32(weights);
        CpuTensor v = f32(values);
        CpuTensor o = f32(out);
        forChunks(b, rowGrain((long) tt * d), (lo, hi) -> {
            double[] acc = new double[d];
            for (int i = lo; i < hi; i++) {
                Arrays.fill(acc, 0);
                for (int s = 0; s < tt; s++) {
                    double wv = w.f[w.offset + i * tt + s];
                    int vi = v.offset + (i * tt + s) * d;
                    for (int j = 0; j < d; j++) {
                        acc[j] += wv * v.f[vi + j];
                    }
                }
                int oi = o.offset + i * d;
                for (int j = 0; j < d; j++) {
                    o.f[oi + j] = (float) acc[j];
                }
            }
        });
    }

    @Override
    public void weightedSumBackward(Tensor weights, Tensor values, Tensor dOut, Tensor dWeights, Tensor dValues) {
        int b = values.dim(0);
        int tt = values.dim(1);
        int d = values.dim(2);
        require(weights.size() == (long) b * tt && dOut.size() == (long) b * d && dWeights.size() == (long) b * tt
                && dValues.size() == values.size(), "weightedSumBackward", weights, values, dOut, dWeights, dValues);
        CpuTensor w = f32(weights);
        CpuTensor v = f32(values);
        CpuTensor g = f32(dOut);
        CpuTensor dw = f32(dWeights);
        CpuTensor dv = f32(dValues);
        forChunks(b, rowGrain((long) tt * d), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int gi = g.offset + i * d;
                for (int s = 0; s < tt; s++) {
                    float wv = w.f[w.offset + i * tt + s];
                    int vi = v.offset + (i * tt + s) * d;
                    int dvi = dv.offset + (i * tt + s) * d;
                    dw.f[dw.offset + i * tt + s] = (float) dot(g.f, gi, v.f, vi, d);
                    for (int j = 0; j < d; j++) {
                        dv.f[dvi + j] = Math.fma(wv, g.f[gi + j], dv.f[dvi + j]);
                    }
                }
            }
        });
    }

    @Override
    public void maskedSoftmax(Tensor scores, Tensor mask, Tensor out) {
        sameSize(scores, mask, "maskedSoftmax");
        sameSize(scores, out, "maskedSoftmax");
        int tt = scores.dim(-1);
        int b = rowsOf(scores);
        CpuTensor s = f32(scores);
        CpuTensor m = f32(mask);
        CpuTensor o = f32(out);
        forChunks(b, rowGrain(tt * 8L), (lo, hi) -> {
            double[] e = new double[tt];
            for (int i = lo; i < hi; i++) {
                int si = s.offset + i * tt;
                int mi = m.offset + i * tt;
                int oi = o.offset + i * tt;
                double max = Double.NEGATIVE_INFINITY;
                int live = 0;
                for (int k = 0; k < tt; k++) {
                    if (m.f[mi + k] != 0) {
                        max = Math.max(max, s.f[si + k]);
                        live++;
                    }
                }
                if (live == 0) {
                    // The reference replaces masked scores by the lowest float, so an all-masked row is uniform.
                    Arrays.fill(o.f, oi, oi + tt, (float) (1.0 / tt));
                    continue;
                }
                double z = 0;
                for (int k = 0; k < tt; k++) {
                    e[k] = m.f[mi + k] != 0 ? Math.exp(s.f[si + k] - max) : 0;
                    z += e[k];
                }
                for (int k = 0; k < tt; k++) {
                    o.f[oi + k] = (float) (e[k] / z);
                }
            }
        });
    }

    @Override
    public void maskedSoftmaxBackward(Tensor p, Tensor dp, Tensor mask, Tensor dScores) {
        sameSize(p, dp, "maskedSoftmaxBackward");
        sameSize(p, mask, "maskedSoftmaxBackward");
        sameSize(p, dScores, "maskedSoftmaxBackward");
        int tt = p.dim(-1);
        int b = rowsOf(p);
        CpuTensor pp = f32(p);
        CpuTensor g = f32(dp);
        CpuTensor m = f32(mask);
        CpuTensor o = f32(dScores);
        forChunks(b, rowGrain(tt * 4L), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int pi = pp.offset + i * tt;
                int gi = g.offset + i * tt;
                int mi = m.offset + i * tt;
                int oi = o.offset + i * tt;
                double dot = dot(pp.f, pi, g.f, gi, tt);
                for (int k = 0; k < tt; k++) {
                    o.f[oi + k] = m.f[mi + k] != 0 ? (float) (pp.f[pi + k] * (g.f[gi + k] - dot)) : 0f;
                }
            }
        });
    }

    @Override
    public void topK(Tensor weights, int k, Tensor indices) {
        int tt = weights.dim(-1);
        int b = rowsOf(weights);
        require(k >= 0 && k <= tt && indices.size() == (long) b * k, "topK with k = " + k, weights, indices);
        CpuTensor w = f32(weights);
        CpuTensor o = i32(indices);
        if (k == 0) {
            return;
        }
        forChunks(b, rowGrain(tt * 8L), (lo, hi) -> {
            long[] keys = new long[tt];
            for (int i = lo; i < hi; i++) {
                int wi = w.offset + i * tt;
                for (int s = 0; s < tt; s++) {
                    keys[s] = TopK.key(w.f[wi + s], s);
                }
                TopK.selectSmallest(keys, k);
                Arrays.sort(keys, 0, k);
                int oi = o.offset + i * k;
                for (int j = 0; j < k; j++) {
                    o.i[oi + j] = (int) keys[j];
                }
            }
        });
    }

    @Override
    public void gatherTime(Tensor x, Tensor idx, Tensor out) {
        require(x.rank() == 3, "gatherTime needs x [B,T,D]", x);
        int b = x.dim(0);
        int tt = x.dim(1);
        int d = x.dim(2);
        int k = idx.dim(-1);
        require(idx.size() == (long) b * k && out.size() == (long) b * k * d, "gatherTime", x, idx, out);
        CpuTensor s = f32(x);
        CpuTensor id = i32(idx);
        CpuTensor o = f32(out);
        checkIds(id, tt, "gatherTime");
        forChunks(b, rowGrain((long) k * d), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j < k; j++) {
                    int pos = id.i[id.offset + i * k + j];
                    System.arraycopy(s.f, s.offset + (i * tt + pos) * d, o.f, o.offset + (i * k + j) * d, d);
                }
            }
        });
    }

    @Override
    public void scatterAddTime(Tensor dOut, Tensor idx, Tensor dX) {
        require(dX.rank() == 3, "scatterAddTime needs dX [B,T,D]", dX);
        int b = dX.dim(0);
        int tt = dX.dim(1);
        int d = dX.dim(2);
        int k = idx.dim(-1);
        require(idx.size() == (long) b * k && dOut.size() == (long) b * k * d, "scatterAddTime", dOut, idx, dX);
        CpuTensor g = f32(dOut);
        CpuTensor id = i32(idx);
        CpuTensor o = f32(dX);
        checkIds(id, tt, "scatterAddTime");
        // Parallel over b only: the rows one b writes belong to it, and within it the adds run in order of j.
        forChunks(b, rowGrain((long) k * d), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j < k; j++) {
                    int dst = o.offset + (i * tt + id.i[id.offset + i * k + j]) * d;
                    int src = g.offset + (i * k + j) * d;
                    for (int c = 0; c < d; c++) {
                        o.f[dst + c] += g.f[src + c];
                    }
                }
            }
        });
    }

    @Override
    public void gatherColumns(Tensor x, Tensor idx, Tensor out) {
        int tt = x.dim(-1);
        int b = rowsOf(x);
        int k = idx.dim(-1);
        require(idx.size() == (long) b * k && out.size() == (long) b * k, "gatherColumns", x, idx, out);
        CpuTensor s = f32(x);
        CpuTensor id = i32(idx);
        CpuTensor o = f32(out);
        checkIds(id, tt, "gatherColumns");
        forChunks(b, rowGrain(k), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j < k; j++) {
                    o.f[o.offset + i * k + j] = s.f[s.offset + i * tt + id.i[id.offset + i * k + j]];
                }
            }
        });
    }

    @Override
    public void positive(Tensor x, Tensor out) {
        flat(x, null, out, "positive", (a, ao, unused, uo, o, oo, n) -> {
            for (int k = 0; k < n; k++) {
                o[oo + k] = a[ao + k] > 0 ? 1f : 0f;
            }
        });
    }

    @Override
    public void nonPadding(Tensor ids, Tensor out) {
        sameSize(ids, out, "nonPadding");
        CpuTensor s = i32(ids);
        CpuTensor o = f32(out);
        forChunks(s.size, WORK, (lo, hi) -> {
            for (int k = lo; k < hi; k++) {
                o.f[o.offset + k] = s.i[s.offset + k] > 0 ? 1f : 0f;
            }
        });
    }

    // ---------------------------------------------------------------- recurrent cells

    @Override
    public void gruCell(Tensor gx, Tensor gh, Tensor hPrev, Tensor hOut, Tensor cache) {
        int h = hPrev.dim(-1);
        int b = rowsOf(hPrev);
        require(gx.size() == 3L * b * h && gh.size() == 3L * b * h && cache.size() == 3L * b * h
                && hOut.size() == (long) b * h, "gruCell", gx, gh, hPrev, hOut, cache);
        CpuTensor x = f32(gx);
        CpuTensor r = f32(gh);
        CpuTensor p = f32(hPrev);
        CpuTensor o = f32(hOut);
        CpuTensor c = f32(cache);
        // Three simple passes per row (pre-activations, the array sigmoid / tanh kernels, the state update) rather
        // than one fused Vector API loop: the fused loop was too large for the JIT to compile reliably, and its time
        // varied fivefold from run to run.
        float[] xf = x.f;
        float[] gf = r.f;
        float[] cf = c.f;
        forChunks(b, rowGrain(h * 8L), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int xo = x.offset + i * 3 * h;
                int go = r.offset + i * 3 * h;
                int co = c.offset + i * 3 * h;
                for (int j = 0; j < 2 * h; j++) {
                    cf[co + j] = xf[xo + j] + gf[go + j];
                }
                Activations.sigmoid(cf, co, cf, co, 2 * h);
                for (int j = 0; j < h; j++) {
                    cf[co + 2 * h + j] = Math.fma(cf[co + h + j], gf[go + 2 * h + j], xf[xo + 2 * h + j]);
                }
                Activations.tanh(cf, co + 2 * h, cf, co + 2 * h, h);
                int po = p.offset + i * h;
                int oo = o.offset + i * h;
                for (int j = 0; j < h; j++) {
                    float z = cf[co + j];
                    float n = cf[co + 2 * h + j];
                    o.f[oo + j] = Math.fma(z, p.f[po + j], (1f - z) * n);
                }
            }
        });
    }

    @Override
    public void gruCellBackward(Tensor gh, Tensor hPrev, Tensor cache, Tensor dh, Tensor dgx, Tensor dgh,
                                Tensor dhPrev) {
        int h = hPrev.dim(-1);
        int b = rowsOf(hPrev);
        require(gh.size() == 3L * b * h && cache.size() == 3L * b * h && dh.size() == (long) b * h
                && dgx.size() == 3L * b * h && dgh.size() == 3L * b * h && dhPrev.size() == (long) b * h,
                "gruCellBackward", gh, hPrev, cache, dh, dgx, dgh, dhPrev);
        CpuTensor r = f32(gh);
        CpuTensor p = f32(hPrev);
        CpuTensor c = f32(cache);
        CpuTensor g = f32(dh);
        CpuTensor dx = f32(dgx);
        CpuTensor dr = f32(dgh);
        CpuTensor dp = f32(dhPrev);
        forChunks(b, rowGrain(h * 8L), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j < h; j++) {
                    int zi = i * 3 * h + j;
                    int ri = zi + h;
                    int ni = zi + 2 * h;
                    double z = c.f[c.offset + zi];
                    double rr = c.f[c.offset + ri];
                    double n = c.f[c.offset + ni];
                    double hp = p.f[p.offset + i * h + j];
                    double d = g.f[g.offset + i * h + j];
                    double dz = d * (hp - n) * z * (1 - z);
                    double dnPre = d * (1 - z) * (1 - n * n);
                    double drPre = dnPre * r.f[r.offset + ni] * rr * (1 - rr);
                    dx.f[dx.offset + zi] = (float) dz;
                    dr.f[dr.offset + zi] = (float) dz;
                    dx.f[dx.offset + ri] = (float) drPre;
                    dr.f[dr.offset + ri] = (float) drPre;
                    dx.f[dx.offset + ni] = (float) dnPre;
                    dr.f[dr.offset + ni] = (float) (dnPre * rr);
                    dp.f[dp.offset + i * h + j] = (float) (d * z);
                }
            }
        });
    }

    @Override
    public void augruUpdate(Tensor u, Tensor c, Tensor s, Tensor a, Tensor out, boolean paperForm) {
        int h = s.dim(-1);
        int b = rowsOf(s);
        require(u.size() == (long) b * h && c.size() == (long) b * h && a.size() == b && out.size() == (long) b * h,
                "augruUpdate", u, c, s, a, out);
        CpuTensor uu = f32(u);
        CpuTensor cc = f32(c);
        CpuTensor ss = f32(s);
        CpuTensor aa = f32(a);
        CpuTensor o = f32(out);
        forChunks(b, rowGrain(h * 2L), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double at = aa.f[aa.offset + i];
                for (int j = 0; j < h; j++) {
                    int k = i * h + j;
                    double uv = uu.f[uu.offset + k];
                    double sv = ss.f[ss.offset + k];
                    double cv = cc.f[cc.offset + k];
                    double v;
                    if (paperForm) {
                        double u2 = at * uv;
                        v = (1 - u2) * sv + u2 * cv;
                    } else {
                        double u2 = (1 - at) * uv;
                        v = u2 * sv + (1 - u2) * cv;
                    }
                    o.f[o.offset + k] = (float) v;
                }
            }
        });
    }

    @Override
    public void augruUpdateBackward(Tensor u, Tensor c, Tensor s, Tensor a, Tensor dOut, Tensor du, Tensor dc,
                                    Tensor ds, Tensor da, boolean paperForm) {
        int h = s.dim(-1);
        int b = rowsOf(s);
        require(u.size() == (long) b * h && c.size() == (long) b * h && a.size() == b && dOut.size() == (long) b * h
                && du.size() == (long) b * h && dc.size() == (long) b * h && ds.size() == (long) b * h
                && da.size() == b, "augruUpdateBackward", u, c, s, a, dOut, du, dc, ds, da);
        CpuTensor uu = f32(u);
        CpuTensor cc = f32(c);
        CpuTensor ss = f32(s);
        CpuTensor aa = f32(a);
        CpuTensor g = f32(dOut);
        CpuTensor dU = f32(du);
        CpuTensor dC = f32(dc);
        CpuTensor dS = f32(ds);
        CpuTensor dA = f32(da);
        forChunks(b, rowGrain(h * 4L), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double at = aa.f[aa.offset + i];
                double accA = 0;
                for (int j = 0; j < h; j++) {
                    int k = i * h + j;
                    double d = g.f[g.offset + k];
                    double uv = uu.f[uu.offset + k];
                    double sv = ss.f[ss.offset + k];
                    double cv = cc.f[cc.offset + k];
                    int dsi = dS.offset + k;
                    if (paperForm) {
                        double u2 = at * uv;
                        double dU2 = d * (cv - sv);
                        dU.f[dU.offset + k] = (float) (dU2 * at);
                        accA += dU2 * uv;
                        dC.f[dC.offset + k] = (float) (d * u2);
                        dS.f[dsi] = (float) (dS.f[dsi] + d * (1 - u2));
                    } else {
                        double u2 = (1 - at) * uv;
                        double dU2 = d * (sv - cv);
                        dU.f[dU.offset + k] = (float) (dU2 * (1 - at));
                        accA -= dU2 * uv;
                        dC.f[dC.offset + k] = (float) (d * (1 - u2));
                        dS.f[dsi] = (float) (dS.f[dsi] + d * u2);
                    }
                }
                dA.f[dA.offset + i] = (float) accA;
            }
        });
    }

    @Override
    public void broadcastMul(Tensor q, Tensor h, Tensor out) {
        require(h.rank() == 3, "broadcastMul needs h [B,T,D]", h);
        int b = h.dim(0);
        int tt = h.dim(1);
        int d = h.dim(2);
        require(q.size() == (long) b * d && out.size() == h.size(), "broadcastMul", q, h, out);
        CpuTensor qq = f32(q);
        CpuTensor hh = f32(h);
        CpuTensor o = f32(out);
        forChunks(b, rowGrain((long) tt * d), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int qi = qq.offset + i * d;
                for (int s = 0; s < tt; s++) {
                    int hi2 = hh.offset + (i * tt + s) * d;
                    int oi = o.offset + (i * tt + s) * d;
                    for (int j = 0; j < d; j++) {
                        o.f[oi + j] = qq.f[qi + j] * hh.f[hi2 + j];
                    }
                }
            }
        });
    }

    @Override
    public void broadcastMulBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh) {
        require(h.rank() == 3, "broadcastMulBackward needs h [B,T,D]", h);
        int b = h.dim(0);
        int tt = h.dim(1);
        int d = h.dim(2);
        require(q.size() == (long) b * d && dOut.size() == h.size() && dq.size() == q.size()
                && dh.size() == h.size(), "broadcastMulBackward", q, h, dOut, dq, dh);
        CpuTensor qq = f32(q);
        CpuTensor hh = f32(h);
        CpuTensor g = f32(dOut);
        CpuTensor gq = f32(dq);
        CpuTensor gh = f32(dh);
        forChunks(b, rowGrain((long) tt * d), (lo, hi) -> {
            double[] sum = new double[d];
            for (int i = lo; i < hi; i++) {
                Arrays.fill(sum, 0);
                int qi = qq.offset + i * d;
                for (int s = 0; s < tt; s++) {
                    int k = (i * tt + s) * d;
                    for (int j = 0; j < d; j++) {
                        float gv = g.f[g.offset + k + j];
                        sum[j] += (double) gv * hh.f[hh.offset + k + j];
                        gh.f[gh.offset + k + j] += gv * qq.f[qi + j];
                    }
                }
                for (int j = 0; j < d; j++) {
                    gq.f[gq.offset + i * d + j] = (float) (gq.f[gq.offset + i * d + j] + sum[j]);
                }
            }
        });
    }

    @Override
    public void attentionFeatures(Tensor q, Tensor h, Tensor out) {
        require(h.rank() == 3, "attentionFeatures needs h [B,T,H]", h);
        int b = h.dim(0);
        int tt = h.dim(1);
        int d = h.dim(2);
        require(q.size() == (long) b * d && out.size() == 4L * b * tt * d, "attentionFeatures", q, h, out);
        CpuTensor qq = f32(q);
        CpuTensor hh = f32(h);
        CpuTensor o = f32(out);
        forChunks(b, rowGrain(4L * tt * d), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int qi = qq.offset + i * d;
                for (int s = 0; s < tt; s++) {
                    int base = o.offset + (i * tt + s) * 4 * d;
                    int hi2 = hh.offset + (i * tt + s) * d;
                    System.arraycopy(qq.f, qi, o.f, base, d);
                    System.arraycopy(hh.f, hi2, o.f, base + d, d);
                    for (int j = 0; j < d; j++) {
                        float qv = qq.f[qi + j];
                        float hv = hh.f[hi2 + j];
                        o.f[base + 2 * d + j] = qv - hv;
                        o.f[base + 3 * d + j] = qv * hv;
                    }
                }
            }
        });
    }

    @Override
    public void attentionFeaturesBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh) {
        require(h.rank() == 3, "attentionFeaturesBackward needs h [B,T,H]", h);
        int b = h.dim(0);
        int tt = h.dim(1);
        int d = h.dim(2);
        require(q.size() == (long) b * d && dOut.size() == 4L * b * tt * d && dq.size() == q.size()
                && dh.size() == h.size(), "attentionFeaturesBackward", q, h, dOut, dq, dh);
        CpuTensor qq = f32(q);
        CpuTensor hh = f32(h);
        CpuTensor g = f32(dOut);
        CpuTensor dQ = f32(dq);
        CpuTensor dH = f32(dh);
        forChunks(b, rowGrain(4L * tt * d), (lo, hi) -> {
            double[] acc = new double[d];
            for (int i = lo; i < hi; i++) {
                Arrays.fill(acc, 0);
                int qi = qq.offset + i * d;
                for (int s = 0; s < tt; s++) {
                    int base = g.offset + (i * tt + s) * 4 * d;
                    int hIdx = (i * tt + s) * d;
                    for (int j = 0; j < d; j++) {
                        double qv = qq.f[qi + j];
                        double hv = hh.f[hh.offset + hIdx + j];
                        double g0 = g.f[base + j];
                        double g1 = g.f[base + d + j];
                        double g2 = g.f[base + 2 * d + j];
                        double g3 = g.f[base + 3 * d + j];
                        acc[j] += g0 + g2 + g3 * hv;
                        int at = dH.offset + hIdx + j;
                        dH.f[at] = (float) (dH.f[at] + g1 - g2 + g3 * qv);
                    }
                }
                int dqi = dQ.offset + i * d;
                for (int j = 0; j < d; j++) {
                    dQ.f[dqi + j] = (float) (dQ.f[dqi + j] + acc[j]);
                }
            }
        });
    }

    // ---------------------------------------------------------------- losses

    @Override
    public double binaryCrossEntropy(Tensor logits, Tensor labels, Tensor dLogits, double scale) {
        sameSize(logits, labels, "binaryCrossEntropy");
        sameSize(logits, dLogits, "binaryCrossEntropy");
        CpuTensor x = f32(logits);
        CpuTensor y = f32(labels);
        CpuTensor g = f32(dLogits);
        int n = x.size;
        // Sequential: N is the batch (thousands), and one fixed order is the simplest determinism there is.
        double loss = 0;
        for (int k = 0; k < n; k++) {
            double z = x.f[x.offset + k];
            double l = y.f[y.offset + k];
            loss += Math.max(z, 0) - z * l + Math.log1p(Math.exp(-Math.abs(z)));
            g.f[g.offset + k] = (float) (scale * (sigmoid(z) - l) / n);
        }
        return loss / n;
    }

    @Override
    public double auxiliaryLoss(Tensor click, Tensor noClick, Tensor mask, Tensor dClick, Tensor dNoClick,
                                double scale) {
        sameSize(click, noClick, "auxiliaryLoss");
        sameSize(click, mask, "auxiliaryLoss");
        sameSize(click, dClick, "auxiliaryLoss");
        sameSize(click, dNoClick, "auxiliaryLoss");
        CpuTensor c = f32(click);
        CpuTensor nc = f32(noClick);
        CpuTensor m = f32(mask);
        CpuTensor dc = f32(dClick);
        CpuTensor dn = f32(dNoClick);
        int n = c.size;
        double loss = 0;
        for (int k = 0; k < n; k++) {
            double mk = m.f[m.offset + k];
            double sc = sigmoid(c.f[c.offset + k]);
            double sn = sigmoid(nc.f[nc.offset + k]);
            double pc = sc + 1e-6;
            double pn = 1 - (sn + 1e-6);
            loss += mk * (-Math.log(pc) - Math.log(pn));
            dc.f[dc.offset + k] = (float) (scale * mk * (-sc * (1 - sc) / pc) / n);
            dn.f[dn.offset + k] = (float) (scale * mk * (sn * (1 - sn) / pn) / n);
        }
        return loss / n;
    }

    @Override
    public double sum(Tensor x) {
        CpuTensor a = f32(x);
        double s = 0;
        for (int k = 0; k < a.size; k++) {
            s += a.f[a.offset + k];
        }
        return s;
    }

    // ---------------------------------------------------------------- optimizers

    /** Adam's per-step scalars, each rounded to float once, as TensorFlow's float32 kernel holds them. */
    private record AdamCoefficients(float stepSize, float decay, float oneMinusBeta1, float oneMinusBeta2,
                                    float epsilon) {
        static AdamCoefficients of(double lr, double beta1, double beta2, double epsilon, double weightDecay,
                                   long step) {
            return new AdamCoefficients((float) ScalarBackend.adamStepSize(lr, beta1, beta2, step),
                    (float) (lr * weightDecay), (float) (1 - beta1), (float) (1 - beta2), (float) epsilon);
        }
    }

    /** The Adam update of {@code n} consecutive elements: the one loop both the dense and the row kernels run. */
    private static void adamRange(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n,
                                  AdamCoefficients c) {
        float a = c.stepSize();
        float c1 = c.oneMinusBeta1();
        float c2 = c.oneMinusBeta2();
        float eps = c.epsilon();
        if (c.decay() != 0) {
            float d = -c.decay();
            for (int k = 0; k < n; k++) {
                p[po + k] = Math.fma(d, p[po + k], p[po + k]);
            }
        }
        int done = AdamKernel.update(p, po, g, go, m, mo, v, vo, n, a, c1, c2, eps);
        for (int k = done; k < n; k++) {
            float gk = g[go + k];
            float mk = m[mo + k];
            float vk = v[vo + k];
            mk += (gk - mk) * c1;
            vk += (gk * gk - vk) * c2;
            m[mo + k] = mk;
            v[vo + k] = vk;
            p[po + k] -= mk * a / ((float) Math.sqrt(vk) + eps);
        }
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                           double epsilon, double weightDecay, long step) {
        require(grad.size() == param.size() && m.size() == param.size() && v.size() == param.size(), "adamUpdate",
                param, grad, m, v);
        CpuTensor p = f32(param);
        CpuTensor g = f32(grad);
        CpuTensor mm = f32(m);
        CpuTensor vv = f32(v);
        AdamCoefficients c = AdamCoefficients.of(lr, beta1, beta2, epsilon, weightDecay, step);
        forChunks(p.size, WORK, (lo, hi) -> adamRange(p.f, p.offset + lo, g.f, g.offset + lo, mm.f, mm.offset + lo,
                vv.f, vv.offset + lo, hi - lo, c));
    }

    @Override
    public void adamUpdateRows(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor rows, double lr, double beta1,
                               double beta2, double epsilon, double weightDecay, long step) {
        require(param.rank() == 2 && grad.size() == param.size() && m.size() == param.size()
                && v.size() == param.size(), "adamUpdateRows needs param, grad, m, v [R,E]", param, grad, m, v);
        CpuTensor p = f32(param);
        CpuTensor g = f32(grad);
        CpuTensor mm = f32(m);
        CpuTensor vv = f32(v);
        CpuTensor r = i32(rows);
        ScalarBackend.checkRows(Arrays.copyOfRange(r.i, r.offset, r.offset + r.size), param.dim(0));
        int e = param.dim(1);
        AdamCoefficients c = AdamCoefficients.of(lr, beta1, beta2, epsilon, weightDecay, step);
        forChunks(r.size, rowGrain(e), (lo, hi) -> {
            for (int k = lo; k < hi; k++) {
                int at = r.i[r.offset + k] * e;
                adamRange(p.f, p.offset + at, g.f, g.offset + at, mm.f, mm.offset + at, vv.f, vv.offset + at, e, c);
            }
        });
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, double lr, double weightDecay) {
        float al = (float) -lr;
        float d = (float) -(lr * weightDecay);
        boolean decay = weightDecay != 0;
        flat(grad, null, param, "sgdUpdate", (gr, go, unused, uo, o, oo, n) -> {
            if (decay) {
                for (int k = 0; k < n; k++) {
                    o[oo + k] = Math.fma(d, o[oo + k], o[oo + k]);
                }
            }
            for (int k = 0; k < n; k++) {
                o[oo + k] = Math.fma(al, gr[go + k], o[oo + k]);
            }
        });
    }

    /**
     * A bitset over [0, bound) marked id by id, then read out in increasing order: one pass, sequential (the ids of a
     * batch are a few million at most; marking is memory-bound), so trivially deterministic.
     */
    @Override
    public int uniqueRows(List<Tensor> ids, int bound, Tensor out) {
        CpuTensor o = i32(out);
        long[] seen = new long[(bound + 63) >>> 6];
        for (Tensor x : ids) {
            CpuTensor id = i32(x);
            checkIds(id, bound, "uniqueRows");
            int[] v = id.i;
            for (int k = 0, at = id.offset; k < id.size; k++) {
                int i = v[at + k];
                seen[i >>> 6] |= 1L << i;
            }
        }
        int count = 0;
        for (long w : seen) {
            count += Long.bitCount(w);
        }
        require(o.size >= count, "uniqueRows: out too small for " + count + " rows", out);
        int n = 0;
        for (int w = 0; w < seen.length; w++) {
            for (long bits = seen[w]; bits != 0; bits &= bits - 1) {
                o.i[o.offset + n++] = (w << 6) + Long.numberOfTrailingZeros(bits);
            }
        }
        return n;
    }
}
