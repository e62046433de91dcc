package dev.sim4j.cuda.backend;

import static dev.sim4j.cuda.backend.CudaBackend.cuda;

import dev.sim4j.cuda.driver.Kernel;
import dev.sim4j.engine.HalfFloats;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.kernels.DenseKernels;
import java.util.Arrays;
import java.util.List;

/**
 * Dense algebra, activations, shape ops and the small device-side helpers of ADR 0006 (dropout mask, masked-mean
 * weights, broadcast over time). Kernels in {@code kernels/dense.cu}; products through cuBLAS. Element-wise kernels
 * round as the scalar reference does in F32 (one rounding of the double result), reductions run in a fixed order.
 */
public final class CudaDense implements DenseKernels {
    private static final String FAMILY = "dense";
    /** Row-reduction kernels run one warp per row: this many rows per block. */
    private static final int ROWS_PER_BLOCK = Launches.THREADS / 32;
    /** Column sums: at least this many rows per chunk, and at most this many chunks (so the partials stay small). */
    private static final int MIN_CHUNK_ROWS = 64;
    private static final int MAX_CHUNKS = 4096;

    /** Set once by the backend right after construction (the families exist before the backend that owns them). */
    private CudaBackend be;

    CudaDense() {
    }

    void bind(CudaBackend backend) {
        this.be = backend;
    }

    /** t = value: a 32-bit memset of the float's (or int's) bits. */
    @Override
    public void fill(Tensor t, double value) {
        CudaTensor c = CudaBackend.cuda(t);
        int bits = switch (c.dtype()) {
            case I32 -> (int) value;
            case BF16, F16 -> HalfFloats.fromFloat(c.dtype(), (float) value);
            default -> Float.floatToRawIntBits((float) value);
        };
        be.profiler().before("dense", "fill (memset)", be.stream());
        be.fillBits(c, bits);
        be.profiler().after("dense", "fill (memset)", be.stream());
    }

    /** dst = src, one device-to-device copy on the stream. */
    @Override
    public void copy(Tensor src, Tensor dst) {
        CudaTensor s = CudaBackend.cuda(src);
        CudaTensor d = CudaBackend.cuda(dst);
        if (s.size() != d.size() || s.dtype() != d.dtype()) {
            throw new IllegalArgumentException("copy " + s + " to " + d);
        }
        be.profiler().before("dense", "copy (memcpy)", be.stream());
        be.driver().copyDeviceToDevice(d.address(), s.address(), s.size() * s.dtype().bytes(), be.stream().handle());
        be.profiler().after("dense", "copy (memcpy)", be.stream());
    }

    /** Kernel {@code name} of the build for activations of type {@code act}. */
    private Kernel kernel(String name, DType act) {
        return be.kernels().kernel(FAMILY, name, act).begin();
    }

    /**
     * dst = src in dst's type: float32 to bfloat16 rounds to nearest even, bfloat16 to float32 is exact, one type to
     * itself a copy.
     */
    public void convert(Tensor src, Tensor dst) {
        CudaTensor s = cuda(src);
        CudaTensor d = cuda(dst);
        sameSize(src, dst, "convert");
        if (s.dtype() == d.dtype()) {
            copy(src, dst);
        } else if (s.dtype() == DType.F32 && d.dtype().halfWidth()) {
            launch1d(kernel("to_activation", d.dtype()).pointer(addr(src)).pointer(addr(dst)).i64(src.size()),
                    src.size());
        } else if (s.dtype().halfWidth() && d.dtype() == DType.F32) {
            launch1d(kernel("from_activation", s.dtype()).pointer(addr(src)).pointer(addr(dst)).i64(src.size()),
                    src.size());
        } else {
            throw new IllegalArgumentException("convert " + src + " to " + dst);
        }
    }

    private static long addr(Tensor t) {
        return cuda(t).address();
    }

    private static void require(boolean ok, String what, Tensor... ts) {
        if (!ok) {
            StringBuilder b = new StringBuilder(what).append(": shapes");
            for (Tensor x : ts) {
                b.append(' ').append(Arrays.toString(x.shape()));
            }
            throw new IllegalArgumentException(b.toString());
        }
    }


    private static void sameSize(Tensor a, Tensor b, String op) {
        require(a.size() == b.size(), op, a, b);
    }

    /** Rows of x seen as [rows, last dimension]: the product of the leading dimensions. */
    private static long rowsOf(Tensor x) {
        long rows = 1;
        for (int i = 0; i < x.rank() - 1; i++) {
            rows *= x.dim(i);
        }
        return rows;
    }

    private static int lastDim(Tensor x) {
        return x.rank() == 0 ? 1 : x.dim(-1);
    }

    private void launch1d(Kernel k, long n) {
        k.launch(be.stream(), Launches.blocks(n), Launches.THREADS);
    }

    private void launchRows(Kernel k, long rows) {
        k.launch(be.stream(), (int) Math.min(Launches.MAX_BLOCKS, (rows + ROWS_PER_BLOCK - 1) / ROWS_PER_BLOCK),
                Launches.THREADS);
    }

    // ---------------------------------------------------------------- dense algebra

    public void matmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor c, double beta) {
        require(a.rank() == 2 && b.rank() == 2 && c.rank() == 2, "matmul needs 2-D tensors", a, b, c);
        for (Tensor t : new Tensor[] {a, b, c}) {
            if (!cuda(t).dtype().floating()) {
                throw new IllegalArgumentException("matmul of a " + t.dtype() + " tensor: " + t);
            }
        }
        int m = transposeA ? a.dim(1) : a.dim(0);
        int k = transposeA ? a.dim(0) : a.dim(1);
        int k2 = transposeB ? b.dim(1) : b.dim(0);
        int n = transposeB ? b.dim(0) : b.dim(1);
        require(k == k2 && c.dim(0) == m && c.dim(1) == n, "matmul", a, b, c);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            // An empty reduction: c = beta * c (beta 0 clears, ignoring NaN), without asking cuBLAS about k = 0.
            if (beta == 0) {
                be.fill(c, 0);
            } else {
                scale(c, beta);
            }
            return;
        }
        // Views are contiguous, so each leading dimension is the stored row length.
        String label = be.profiler().recording() ? "gemm " + (transposeA ? "T" : "N") + (transposeB ? "T" : "N")
                + " " + m + "x" + n + "x" + k : "gemm";
        if (a.dtype() == DType.F32 && b.dtype() == DType.F32 && c.dtype() == DType.F32) {
            be.profiler().before("cublas", label, be.stream());
            be.blas().gemm(transposeA, transposeB, m, n, k, 1f, addr(a), a.dim(1), addr(b), b.dim(1), (float) beta,
                    addr(c), n);
            be.profiler().after("cublas", label, be.stream());
            return;
        }
        mixedMatmul(a, transposeA, b, transposeB, c, beta, m, n, k, label);
    }

    /**
     * A product with a bfloat16 operand or result: cuBLAS multiplies bfloat16 operands on the tensor cores and
     * accumulates in float32. A float32 operand beside a bfloat16 one (a weight times an activation) is rounded to
     * bfloat16 first, into a temporary; a bfloat16 result of float32 operands is computed in float32 and rounded.
     */
    private void mixedMatmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor c, double beta,
                             int m, int n, int k, String label) {
        if (a.dtype() == DType.F32 && b.dtype() == DType.F32) {
            // float32 operands, bfloat16 result: c = round(a b + beta c) through a float32 temporary.
            Tensor wide = be.empty(DType.F32, c.shape());
            if (beta != 0) {
                convert(c, wide);
            }
            matmul(a, transposeA, b, transposeB, wide, beta);
            convert(wide, c);
            return;
        }
        DType half = a.dtype().halfWidth() ? a.dtype() : b.dtype();
        Tensor a16 = a.dtype() == half ? a : rounded(a, half);
        Tensor b16 = b.dtype() == half ? b : rounded(b, half);
        be.profiler().before("cublas", label, be.stream());
        be.blas().gemmEx(transposeA, transposeB, m, n, k, 1f, addr(a16), a.dim(1), addr(b16), b.dim(1),
                cudaType(half), (float) beta, addr(c), n, cudaType(c.dtype()));
        be.profiler().after("cublas", label, be.stream());
    }

    private Tensor rounded(Tensor x, DType half) {
        Tensor out = be.empty(half, x.shape());
        convert(x, out);
        return out;
    }

    /** cuBLAS' name of a float type. */
    private static int cudaType(DType t) {
        return switch (t) {
            case F32 -> dev.sim4j.cuda.cublas.Cublas.R_32F;
            case BF16 -> dev.sim4j.cuda.cublas.Cublas.R_16BF;
            case F16 -> dev.sim4j.cuda.cublas.Cublas.R_16F;
            default -> throw new IllegalArgumentException("no cuBLAS product of " + t);
        };
    }

    public void addRowVector(Tensor x, Tensor v) {
        DType act = Activations.of("addRowVector", x);
        Activations.parameters("addRowVector", v);
        int n = lastDim(x);
        require(v.size() == n, "addRowVector", x, v);
        launch1d(kernel("add_row_vector", act).pointer(addr(x)).pointer(addr(v)).i64(x.size()).i32(n), x.size());
    }

    public void sumRows(Tensor x, Tensor out, double beta) {
        DType act = Activations.of("sumRows", x);
        int n = lastDim(x);
        require(out.size() == n, "sumRows", x, out);
        if (out.dtype().halfWidth()) {
            // The sums are float32 (parameter gradients); a 16-bit result is rounded from them.
            Tensor wide = be.empty(DType.F32, out.shape());
            if (beta != 0) {
                convert(out, wide);
            }
            columnSums(act, 0, x, x, x, x, rowsOf(x), n, wide, beta);
            convert(wide, out);
            return;
        }
        Activations.parameters("sumRows", out);
        columnSums(act, 0, x, x, x, x, rowsOf(x), n, out, beta);
    }

    /**
     * The fixed-order column reduction behind sumRows (mode 0), preluBackward's dAlpha (mode 1, which also writes dx)
     * and sigmoidBackwardSumRows (mode 2, x the sigmoid's output, which also writes dx and sums it): out[j] =
     * (beta == 0 ? 0 : beta * out[j]) + sum over rows. The chunking depends on the shape alone, so the modes that
     * sum the same values give the same bits.
     */
    private void columnSums(DType act, int mode, Tensor x, Tensor dy, Tensor alpha, Tensor dx, long m, int n,
                            Tensor out, double beta) {
        if (n == 0) {
            return;
        }
        long rowsPerChunk = Math.max(MIN_CHUNK_ROWS, (m + MAX_CHUNKS - 1) / MAX_CHUNKS);
        long chunks = Math.max(1, (m + rowsPerChunk - 1) / rowsPerChunk);
        long betaBits = Double.doubleToRawLongBits(beta);
        Tensor parts = chunks == 1 ? null : be.empty(DType.F32, (int) (2 * chunks), n); // doubles
        launch1d(kernel("column_partials", act).pointer(addr(x)).pointer(addr(dy)).pointer(addr(alpha)).pointer(addr(dx))
                .i32(mode).i64(m).i32(n).i64(rowsPerChunk).i64(chunks).pointer(parts == null ? 0 : addr(parts))
                .pointer(addr(out)).i64(betaBits), chunks * (n % 4 == 0 ? n / 4 : n)); // four columns a thread where it can
        if (parts != null) {
            kernel("column_finish", act).pointer(addr(parts)).i64(chunks).i32(n).pointer(addr(out)).i64(betaBits)
                    .launch(be.stream(), Math.min(n, 65535), Launches.THREADS);
        }
    }

    private void binary(String name, Tensor a, Tensor b, Tensor out) {
        DType act = Activations.of(name, a, b, out);
        sameSize(a, b, name);
        sameSize(a, out, name);
        launch1d(kernel(name, act).pointer(addr(a)).pointer(addr(b)).pointer(addr(out)).i64(a.size()), a.size());
    }

    public void add(Tensor a, Tensor b, Tensor out) {
        binary("add", a, b, out);
    }

    public void subtract(Tensor a, Tensor b, Tensor out) {
        binary("subtract", a, b, out);
    }

    public void axpy(double alpha, Tensor x, Tensor y) {
        DType act = Activations.of("axpy", x, y);
        sameSize(x, y, "axpy");
        launch1d(kernel("axpy", act).i64(Double.doubleToRawLongBits(alpha)).pointer(addr(x)).pointer(addr(y))
                .i64(x.size()), x.size());
    }

    public void mul(Tensor a, Tensor b, Tensor out) {
        binary("mul", a, b, out);
    }

    public void mulRows(Tensor x, Tensor s, Tensor out) {
        DType act = Activations.of("mulRows", x, s, out);
        sameSize(x, out, "mulRows");
        require(s.size() == rowsOf(x), "mulRows", x, s);
        launch1d(kernel("mul_rows", act).pointer(addr(x)).pointer(addr(s)).pointer(addr(out)).i64(x.size())
                .i32(lastDim(x)), x.size());
    }

    public void rowDot(Tensor a, Tensor b, Tensor out) {
        DType act = Activations.of("rowDot", a, b, out);
        sameSize(a, b, "rowDot");
        long m = rowsOf(a);
        require(out.size() == m, "rowDot", a, out);
        launchRows(kernel("row_dot", act).pointer(addr(a)).pointer(addr(b)).pointer(addr(out)).i64(m).i32(lastDim(a)), m);
    }

    public void scale(Tensor x, double s) {
        DType act = Activations.of("scale", x);
        launch1d(kernel("scale", act).pointer(addr(x)).i64(x.size()).i64(Double.doubleToRawLongBits(s)), x.size());
    }

    // ---------------------------------------------------------------- activations

    private void unary(String name, Tensor x, Tensor y) {
        DType act = Activations.of(name, x, y);
        sameSize(x, y, name);
        launch1d(kernel(name, act).pointer(addr(x)).pointer(addr(y)).i64(x.size()), x.size());
    }

    public void sigmoid(Tensor x, Tensor y) {
        unary("sigmoid", x, y);
    }

    public void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        binary("sigmoid_backward", y, dy, dx);
    }

    public void tanh(Tensor x, Tensor y) {
        unary("tanh_forward", x, y);
    }

    public void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        binary("tanh_backward", y, dy, dx);
    }

    public void prelu(Tensor x, Tensor alpha, Tensor y) {
        DType act = Activations.of("prelu", x, y);
        Activations.parameters("prelu", alpha);
        sameSize(x, y, "prelu");
        int n = lastDim(x);
        require(alpha.size() == n, "prelu", x, alpha);
        launch1d(kernel("prelu", act).pointer(addr(x)).pointer(addr(alpha)).pointer(addr(y)).i64(x.size()).i32(n),
                x.size());
    }

    /** dx = dy * (x > 0 ? 1 : alpha) (overwritten); dAlpha += sum over rows of dy * min(x, 0), in a fixed order. */
    public void preluBackward(Tensor x, Tensor alpha, Tensor dy, Tensor dx, Tensor dAlpha) {
        DType act = Activations.of("preluBackward", x, dy, dx);
        Activations.parameters("preluBackward", alpha, dAlpha);
        sameSize(x, dy, "preluBackward");
        sameSize(x, dx, "preluBackward");
        int n = lastDim(x);
        require(alpha.size() == n && dAlpha.size() == n, "preluBackward", x, alpha, dAlpha);
        // beta 1: the reference's dAlpha + s, since 1.0 * dAlpha is exact.
        columnSums(act, 1, x, dy, alpha, dx, rowsOf(x), n, dAlpha, 1.0);
    }

    // ---------------------------------------------------------------- fused epilogues
    // One pass over the elements instead of two, with the roundings of the separate kernels (see dense.cu), so a
    // model gets the same bits whichever it calls.

    /** x += bias row-wise (kept as the pre-activation), y = prelu(x, alpha): one kernel. */
    @Override
    public void addBiasPrelu(Tensor x, Tensor bias, Tensor alpha, Tensor y) {
        DType act = Activations.of("addBiasPrelu", x, y);
        Activations.parameters("addBiasPrelu", bias, alpha);
        sameSize(x, y, "addBiasPrelu");
        int n = lastDim(x);
        require(bias.size() == n && alpha.size() == n, "addBiasPrelu", x, bias, alpha);
        launch1d(kernel("add_bias_prelu", act).pointer(addr(x)).pointer(addr(bias)).pointer(addr(alpha)).pointer(addr(y))
                .i64(x.size()).i32(n), x.size());
    }

    /** y = sigmoid(x + bias) row-wise (y may be x): one kernel, x read once. */
    @Override
    public void addBiasSigmoid(Tensor x, Tensor bias, Tensor y) {
        DType act = Activations.of("addBiasSigmoid", x, y);
        Activations.parameters("addBiasSigmoid", bias);
        sameSize(x, y, "addBiasSigmoid");
        int n = lastDim(x);
        require(bias.size() == n, "addBiasSigmoid", x, bias);
        launch1d(kernel("add_bias_sigmoid", act).pointer(addr(x)).pointer(addr(bias)).pointer(addr(y)).i64(x.size())
                .i32(n), x.size());
    }

    /** dx = sigmoidBackward(y, dy), biasGrad += sum over rows of dx: the column reduction writes dx on the way. */
    @Override
    public void sigmoidBackwardSumRows(Tensor y, Tensor dy, Tensor dx, Tensor biasGrad) {
        DType act = Activations.of("sigmoidBackwardSumRows", y, dy, dx);
        Activations.parameters("sigmoidBackwardSumRows", biasGrad);
        sameSize(y, dy, "sigmoidBackwardSumRows");
        sameSize(y, dx, "sigmoidBackwardSumRows");
        int n = lastDim(y);
        require(biasGrad.size() == n, "sigmoidBackwardSumRows", y, biasGrad);
        // beta 1 as sumRows(dx, biasGrad, 1) passes it; alpha is unused in mode 2.
        columnSums(act, 2, y, dy, y, dx, rowsOf(y), n, biasGrad, 1.0);
    }

    // ---------------------------------------------------------------- layout

    private void copyColumns(Tensor src, int srcLd, int srcCol, Tensor dst, int dstLd, int dstCol, long rows,
                             int width, boolean accumulate) {
        long n = rows * width;
        DType act = Activations.of("copyColumns", src, dst);
        launch1d(kernel("copy_columns", act).pointer(addr(src)).i32(srcLd).i32(srcCol).pointer(addr(dst)).i32(dstLd)
                .i32(dstCol).i64(rows).i32(width).i32(accumulate ? 1 : 0), n);
    }

    /** out = [p0 | p1 | ...] along columns: one launch per part. */
    public void concatColumns(List<Tensor> parts, Tensor out) {
        Activations.of("concatColumns", out);
        long m = rowsOf(out);
        int n = lastDim(out);
        int total = 0;
        for (Tensor p : parts) {
            Activations.of("concatColumns", p, out);
            require(rowsOf(p) == m, "concatColumns: rows differ", p, out);
            total += lastDim(p);
        }
        require(total == n, "concatColumns: widths do not add up", out);
        int col = 0;
        for (Tensor p : parts) {
            int w = lastDim(p);
            copyColumns(p, w, 0, out, n, col, m, w, false);
            col += w;
        }
    }

    /** parts = (or +=) the column blocks of in: one launch per part. */
    public void splitColumns(Tensor in, List<Tensor> parts, boolean accumulate) {
        Activations.of("splitColumns", in);
        long m = rowsOf(in);
        int n = lastDim(in);
        int total = 0;
        for (Tensor p : parts) {
            Activations.of("splitColumns", in, p);
            require(rowsOf(p) == m, "splitColumns: rows differ", in, p);
            total += lastDim(p);
        }
        require(total == n, "splitColumns: widths do not add up", in);
        int col = 0;
        for (Tensor p : parts) {
            int w = lastDim(p);
            copyColumns(in, n, col, p, w, 0, m, w, accumulate);
            col += w;
        }
    }

    /** out[j, i, :] = x[i, j, :], for x [A,B,D], out [B,A,D]. */
    public void transpose01(Tensor x, Tensor out) {
        DType act = Activations.of("transpose01", x, out);
        require(x.rank() == 3 && out.rank() == 3 && x.dim(0) == out.dim(1) && x.dim(1) == out.dim(0)
                && x.dim(2) == out.dim(2), "transpose01", x, out);
        launch1d(kernel("transpose01", act).pointer(addr(x)).pointer(addr(out)).i32(x.dim(0)).i32(x.dim(1))
                .i32(x.dim(2)), x.size());
    }

    // ---------------------------------------------------------------- ADR 0006 helpers

    /**
     * mask[i] = u >= rate ? (float) (1 / (1 - rate)) : 0, where u = (x >>> 11) * 2^-53 and x is the counter generator
     * (the SplitMix64 finaliser) over {@code seed ^ salt * 0x9E3779B97F4A7C15L ^ (long) step[0] * 0xBF58476D1CE4E5B9L
     * ^ i * 0x94D049BB133111EBL}, i the flat index of the element; then {@code x = (x ^ (x >>> 30)) *
     * 0xBF58476D1CE4E5B9L; x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL; x = x ^ (x >>> 31)}. {@code step} is I32 [1]
     * on the device.
     */
    public void dropoutMask(long seed, long salt, Tensor step, double rate, Tensor mask) {
        DType act = Activations.of("dropoutMask", mask);
        require(cuda(step).dtype() == DType.I32 && step.size() == 1, "dropoutMask: step must be I32 [1]", step);
        float keep = (float) (1.0 / (1.0 - rate));
        launch1d(kernel("dropout_mask", act).i64(seed).i64(salt).pointer(addr(step)).i64(Double.doubleToRawLongBits(rate))
                .f32(keep).pointer(addr(mask)).i64(mask.size()), mask.size());
    }

    /** weights[b, k] = mask[b, k] * (float) (1 / (count_b + 1)), count_b = sum over k of mask[b, k]; [B,K] each. */
    public void maskedMeanWeights(Tensor mask, Tensor weights) {
        DType act = Activations.of("maskedMeanWeights", mask, weights);
        require(mask.rank() == 2 && Arrays.equals(mask.shape(), weights.shape()), "maskedMeanWeights", mask,
                weights);
        long rows = mask.dim(0);
        launchRows(kernel("masked_mean_weights", act).pointer(addr(mask)).pointer(addr(weights)).i64(rows)
                .i32(mask.dim(1)), rows);
    }

    /** out[b, t, :] = x[b, :], for x [B,N], out [B,T,N]. */
    public void broadcastOverTime(Tensor x, Tensor out) {
        DType act = Activations.of("broadcastOverTime", x, out);
        require(x.rank() == 2 && out.rank() == 3 && out.dim(0) == x.dim(0) && out.dim(2) == x.dim(1),
                "broadcastOverTime", x, out);
        launch1d(kernel("broadcast_over_time", act).pointer(addr(x)).pointer(addr(out)).i64(out.dim(0)).i32(out.dim(1))
                .i32(out.dim(2)), out.size());
    }

    /** dX[b, :] += dOut[b, t, :] for t = 0, 1, ... in order, in float, for dOut [B,T,N], dX [B,N]. */
    public void sumOverTime(Tensor dOut, Tensor dX) {
        DType act = Activations.of("sumOverTime", dOut, dX);
        require(dX.rank() == 2 && dOut.rank() == 3 && dOut.dim(0) == dX.dim(0) && dOut.dim(2) == dX.dim(1),
                "sumOverTime", dOut, dX);
        launch1d(kernel("sum_over_time", act).pointer(addr(dOut)).pointer(addr(dX)).i64(dX.dim(0)).i32(dOut.dim(1))
                .i32(dOut.dim(2)), dX.size());
    }
}
