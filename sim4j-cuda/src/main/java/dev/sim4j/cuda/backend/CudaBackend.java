package dev.sim4j.cuda.backend;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.sim4j.cuda.CudaLibraries;
import dev.sim4j.cuda.cublas.CublasHandle;
import dev.sim4j.cuda.driver.CudaDevice;
import dev.sim4j.cuda.driver.CudaDriver;
import dev.sim4j.cuda.driver.DeviceBuffer;
import dev.sim4j.cuda.driver.PinnedBuffer;
import dev.sim4j.cuda.driver.Stream;
import dev.sim4j.cuda.nvrtc.KernelCompiler;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.TensorScope;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The CUDA backend: float32 tensors and int32 ids resident on one GPU, every kernel queued on one compute stream
 * (so kernels run in call order and memory can be recycled without events), products through cuBLAS, the other
 * kernels written in CUDA C and compiled at first use by NVRTC. Host copies go through a pinned staging buffer.
 * The kernels live in one class per family ({@link CudaDense}, {@link CudaEmbeddings}, ...), as in the CPU backends.
 */
public final class CudaBackend implements Backend {
    /** cuBLAS scratch: fixed, so products are reproducible and capturable in a graph. */
    private static final long CUBLAS_WORKSPACE = 32L << 20;

    private final CudaLibraries libs;
    private final CudaDevice device;
    private final Stream stream;
    private final DevicePool pool;
    private final DeviceBuffer cublasWorkspace;
    private final CublasHandle blas;
    private final KernelLibrary kernels;
    private final boolean poisonEmpty;
    private PinnedBuffer staging;

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
        this.libs = libs;
        this.device = CudaDevice.open(libs.driver(), ordinal);
        this.stream = Stream.create(libs.driver());
        this.pool = new DevicePool(libs.driver());
        this.cublasWorkspace = DeviceBuffer.allocate(libs.driver(), CUBLAS_WORKSPACE);
        this.blas = new CublasHandle(libs.cublas(), stream, tf32, cublasWorkspace.address(), CUBLAS_WORKSPACE);
        this.kernels = new KernelLibrary(libs.driver(),
                new KernelCompiler(libs.nvrtc(), device.architecture(), kernelCache));
        this.poisonEmpty = poisonEmpty;
        this.dense = new CudaDense(this);
        this.embeddings = new CudaEmbeddings(this);
        this.attention = new CudaAttention(this);
        this.recurrent = new CudaRecurrent(this);
        this.losses = new CudaLosses(this);
        this.optimizers = new CudaOptimizers(this);
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
        driver().memset32(t.address(), 0, t.size(), stream.handle());
        return t;
    }

    @Override
    public Tensor empty(DType dtype, int... shape) {
        CudaTensor t = allocate(dtype, shape);
        if (poisonEmpty) {
            driver().memset32(t.address(), dtype == DType.I32 ? Integer.MIN_VALUE : Float.floatToRawIntBits(Float.NaN),
                    t.size(), stream.handle());
        }
        return t;
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

    private static void requireSize(Tensor t, long n, String what) {
        if (t.size() != n) {
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
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        write(t, f);
    }

    @Override
    public void write(Tensor t, float[] values) {
        CudaTensor c = cuda(t);
        requireSize(t, values.length, "write");
        toDevice(c, MemorySegment.ofArray(values), 4L * values.length);
    }

    @Override
    public void write(Tensor t, int[] values) {
        CudaTensor c = cuda(t);
        requireSize(t, values.length, "write");
        toDevice(c, MemorySegment.ofArray(values), 4L * values.length);
    }

    @Override
    public void fill(Tensor t, double value) {
        CudaTensor c = cuda(t);
        int bits = c.dtype() == DType.I32 ? (int) value : Float.floatToRawIntBits((float) value);
        driver().memset32(c.address(), bits, c.size(), stream.handle());
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        CudaTensor s = cuda(src);
        CudaTensor d = cuda(dst);
        if (s.size() != d.size() || s.dtype() != d.dtype()) {
            throw new IllegalArgumentException("copy " + s + " to " + d);
        }
        driver().copyDeviceToDevice(d.address(), s.address(), s.size() * s.dtype().bytes(), stream.handle());
    }

    // ---------------------------------------------------------------- kernels, by family

    @Override
    public void matmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor c, double beta) {
        dense.matmul(a, transposeA, b, transposeB, c, beta);
    }

    @Override
    public void addRowVector(Tensor x, Tensor v) {
        dense.addRowVector(x, v);
    }

    @Override
    public void sumRows(Tensor x, Tensor out, double beta) {
        dense.sumRows(x, out, beta);
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        dense.add(a, b, out);
    }

    @Override
    public void subtract(Tensor a, Tensor b, Tensor out) {
        dense.subtract(a, b, out);
    }

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        dense.axpy(alpha, x, y);
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        dense.mul(a, b, out);
    }

    @Override
    public void mulRows(Tensor x, Tensor s, Tensor out) {
        dense.mulRows(x, s, out);
    }

    @Override
    public void rowDot(Tensor a, Tensor b, Tensor out) {
        dense.rowDot(a, b, out);
    }

    @Override
    public void scale(Tensor x, double s) {
        dense.scale(x, s);
    }

    @Override
    public void sigmoid(Tensor x, Tensor y) {
        dense.sigmoid(x, y);
    }

    @Override
    public void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        dense.sigmoidBackward(y, dy, dx);
    }

    @Override
    public void tanh(Tensor x, Tensor y) {
        dense.tanh(x, y);
    }

    @Override
    public void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        dense.tanhBackward(y, dy, dx);
    }

    @Override
    public void prelu(Tensor x, Tensor alpha, Tensor y) {
        dense.prelu(x, alpha, y);
    }

    @Override
    public void preluBackward(Tensor x, Tensor alpha, Tensor dy, Tensor dx, Tensor dAlpha) {
        dense.preluBackward(x, alpha, dy, dx, dAlpha);
    }

    @Override
    public void concatColumns(List<Tensor> parts, Tensor out) {
        dense.concatColumns(parts, out);
    }

    @Override
    public void splitColumns(Tensor in, List<Tensor> parts, boolean accumulate) {
        dense.splitColumns(in, parts, accumulate);
    }

    @Override
    public void transpose01(Tensor x, Tensor out) {
        dense.transpose01(x, out);
    }

    @Override
    public void gatherRows(Tensor table, Tensor ids, Tensor out) {
        embeddings.gatherRows(table, ids, out);
    }

    @Override
    public void scatterAddRows(Tensor dOut, Tensor ids, Tensor dTable) {
        embeddings.scatterAddRows(dOut, ids, dTable);
    }

    @Override
    public void embedSequence(Tensor items, Tensor categories, Tensor itemIds, Tensor categoryIds, int from, int to,
                              Tensor out, Tensor mask) {
        embeddings.embedSequence(items, categories, itemIds, categoryIds, from, to, out, mask);
    }

    @Override
    public void embedSequenceBackward(Tensor dOut, Tensor itemIds, Tensor categoryIds, int from, int to,
                                      Tensor dItems, Tensor dCategories) {
        embeddings.embedSequenceBackward(dOut, itemIds, categoryIds, from, to, dItems, dCategories);
    }

    @Override
    public void batchedDot(Tensor keys, Tensor query, Tensor out) {
        attention.batchedDot(keys, query, out);
    }

    @Override
    public void batchedDotBackward(Tensor keys, Tensor query, Tensor dOut, Tensor dKeys, Tensor dQuery) {
        attention.batchedDotBackward(keys, query, dOut, dKeys, dQuery);
    }

    @Override
    public void weightedSum(Tensor weights, Tensor values, Tensor out) {
        attention.weightedSum(weights, values, out);
    }

    @Override
    public void weightedSumBackward(Tensor weights, Tensor values, Tensor dOut, Tensor dWeights, Tensor dValues) {
        attention.weightedSumBackward(weights, values, dOut, dWeights, dValues);
    }

    @Override
    public void maskedSoftmax(Tensor scores, Tensor mask, Tensor out) {
        attention.maskedSoftmax(scores, mask, out);
    }

    @Override
    public void maskedSoftmaxBackward(Tensor p, Tensor dp, Tensor mask, Tensor dScores) {
        attention.maskedSoftmaxBackward(p, dp, mask, dScores);
    }

    @Override
    public void topK(Tensor weights, int k, Tensor indices) {
        attention.topK(weights, k, indices);
    }

    @Override
    public void gatherTime(Tensor x, Tensor idx, Tensor out) {
        attention.gatherTime(x, idx, out);
    }

    @Override
    public void scatterAddTime(Tensor dOut, Tensor idx, Tensor dX) {
        attention.scatterAddTime(dOut, idx, dX);
    }

    @Override
    public void gatherColumns(Tensor x, Tensor idx, Tensor out) {
        attention.gatherColumns(x, idx, out);
    }

    @Override
    public void positive(Tensor x, Tensor out) {
        attention.positive(x, out);
    }

    @Override
    public void nonPadding(Tensor ids, Tensor out) {
        attention.nonPadding(ids, out);
    }

    @Override
    public void gruCell(Tensor gx, Tensor gh, Tensor hPrev, Tensor hOut, Tensor cache) {
        recurrent.gruCell(gx, gh, hPrev, hOut, cache);
    }

    @Override
    public void gruCellBackward(Tensor gh, Tensor hPrev, Tensor cache, Tensor dh, Tensor dgx, Tensor dgh,
                                Tensor dhPrev) {
        recurrent.gruCellBackward(gh, hPrev, cache, dh, dgx, dgh, dhPrev);
    }

    @Override
    public void augruUpdate(Tensor u, Tensor c, Tensor s, Tensor a, Tensor out, boolean paperForm) {
        recurrent.augruUpdate(u, c, s, a, out, paperForm);
    }

    @Override
    public void augruUpdateBackward(Tensor u, Tensor c, Tensor s, Tensor a, Tensor dOut, Tensor du, Tensor dc,
                                    Tensor ds, Tensor da, boolean paperForm) {
        recurrent.augruUpdateBackward(u, c, s, a, dOut, du, dc, ds, da, paperForm);
    }

    @Override
    public void attentionFeatures(Tensor q, Tensor h, Tensor out) {
        attention.attentionFeatures(q, h, out);
    }

    @Override
    public void attentionFeaturesBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh) {
        attention.attentionFeaturesBackward(q, h, dOut, dq, dh);
    }

    @Override
    public void broadcastMul(Tensor q, Tensor h, Tensor out) {
        attention.broadcastMul(q, h, out);
    }

    @Override
    public void broadcastMulBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh) {
        attention.broadcastMulBackward(q, h, dOut, dq, dh);
    }

    // The four below still have the CPU-era contract (a value returned to the host); they adapt the device-ready
    // family kernels of ADR 0006 until the Backend interface takes that contract, and then go.

    @Override
    public double binaryCrossEntropy(Tensor logits, Tensor labels, Tensor dLogits, double scale) {
        Tensor loss = zeros(DType.F32, 1);
        losses.binaryCrossEntropy(logits, labels, dLogits, scale, loss, 1, false);
        return toFloats(loss)[0];
    }

    @Override
    public double auxiliaryLoss(Tensor click, Tensor noClick, Tensor mask, Tensor dClick, Tensor dNoClick,
                                double scale) {
        Tensor loss = zeros(DType.F32, 1);
        losses.auxiliaryLoss(click, noClick, mask, dClick, dNoClick, scale, loss, 1, false);
        return toFloats(loss)[0];
    }

    @Override
    public double sum(Tensor x) {
        Tensor out = zeros(DType.F32, 1);
        losses.sum(x, out);
        return toFloats(out)[0];
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                           double epsilon, double weightDecay, long step) {
        optimizers.adamUpdate(param, grad, m, v, lr, beta1, beta2, epsilon, weightDecay,
                upload(new int[] {Math.toIntExact(step)}, 1));
    }

    @Override
    public void adamUpdateRows(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor rows, double lr, double beta1,
                               double beta2, double epsilon, double weightDecay, long step) {
        optimizers.adamUpdateRows(param, grad, m, v, rows, upload(new int[] {Math.toIntExact(rows.size())}, 1), lr,
                beta1, beta2, epsilon, weightDecay, upload(new int[] {Math.toIntExact(step)}, 1));
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, double lr, double weightDecay) {
        optimizers.sgdUpdate(param, grad, lr, weightDecay);
    }

    @Override
    public int uniqueRows(List<Tensor> ids, int bound, Tensor out) {
        Tensor count = zeros(DType.I32, 1);
        embeddings.uniqueRows(ids, bound, out, count);
        return toInts(count)[0];
    }

    @Override
    public void close() {
        stream.synchronize();
        kernels.close();
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
