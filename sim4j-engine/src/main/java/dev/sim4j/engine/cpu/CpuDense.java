package dev.sim4j.engine.cpu;

import static dev.sim4j.engine.cpu.CpuArrays.dot;
import static dev.sim4j.engine.cpu.CpuArrays.f32;
import static dev.sim4j.engine.cpu.CpuArrays.i32;
import static dev.sim4j.engine.kernels.Shapes.require;
import static dev.sim4j.engine.kernels.Shapes.rowsOf;
import static dev.sim4j.engine.kernels.Shapes.sameSize;

import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.simd.Activations;
import dev.sim4j.engine.cpu.simd.PreluBackward;
import dev.sim4j.engine.cpu.simd.PreluRow;
import dev.sim4j.engine.cpu.simd.SigmoidBackward;
import dev.sim4j.engine.kernels.CounterRandom;
import dev.sim4j.engine.kernels.DenseKernels;
import dev.sim4j.engine.kernels.Shapes;
import java.util.Arrays;
import java.util.List;

/**
 * The CPU backend's dense algebra: elementwise and row kernels as plain loops the JIT vectorises, transcendentals
 * through {@link Activations}, column sums as per-chunk partials added in chunk order; GEMM in {@link CpuGemm}.
 */
final class CpuDense implements DenseKernels {
    private final CpuParallel par;
    private final Scratch scratch;
    private final CpuGemm gemm;

    CpuDense(CpuParallel par, Scratch scratch) {
        this.par = par;
        this.scratch = scratch;
        this.gemm = new CpuGemm(par, scratch);
    }

    @Override
    public void matmul(Tensor a, boolean ta, Tensor b, boolean tb, Tensor c, double beta) {
        gemm.matmul(a, ta, b, tb, c, beta);
    }

    // The fused products add the bias (and take the activation) on each C tile as soon as it is complete, while it
    // is in cache: the same float add and the same activation code per element as the separate ops, so their bits.

    @Override
    public void matmulBias(Tensor a, boolean ta, Tensor b, boolean tb, Tensor bias, Tensor c) {
        float[] bf = biasOf(c, bias, "matmulBias");
        int bo = f32(bias).offset;
        gemm.matmul(a, ta, b, tb, c, 0, (cf, co, ldc, i0, i1, j0, j1) -> {
            for (int i = i0; i < i1; i++) {
                addRow(cf, co + i * ldc, bf, bo, j0, j1);
            }
        });
    }

    @Override
    public void matmulBiasSigmoid(Tensor a, boolean ta, Tensor b, boolean tb, Tensor bias, Tensor c) {
        float[] bf = biasOf(c, bias, "matmulBiasSigmoid");
        int bo = f32(bias).offset;
        gemm.matmul(a, ta, b, tb, c, 0, (cf, co, ldc, i0, i1, j0, j1) -> {
            float[] pad = scratch.floats(Scratch.Slot.ACTIVATION_PAD, Activations.PAD);
            for (int i = i0; i < i1; i++) {
                addRow(cf, co + i * ldc, bf, bo, j0, j1);
            }
            sigmoidTile(cf, co, ldc, i0, i1, j0, j1, pad);
        });
    }

    /** The sigmoid in place over a finished tile of C, rows [i0, i1) and columns [j0, j1). */
    private static void sigmoidTile(float[] cf, int co, int ldc, int i0, int i1, int j0, int j1, float[] pad) {
        if (j0 == 0 && j1 == ldc) {
            // Whole rows are one contiguous run: one call, not one per row (a row of 40 or 50 columns cost more in
            // the call and its padded last vector than in the arithmetic).
            Activations.sigmoid(cf, co + i0 * ldc, cf, co + i0 * ldc, (i1 - i0) * ldc, pad);
        } else {
            for (int i = i0; i < i1; i++) {
                int row = co + i * ldc;
                Activations.sigmoid(cf, row + j0, cf, row + j0, j1 - j0, pad);
            }
        }
    }

    @Override
    public void matmulAddSigmoid(Tensor a, boolean ta, Tensor b, boolean tb, Tensor addend, Tensor c) {
        require(c.rank() == 2 && addend.rank() == 2 && addend.dim(0) == c.dim(0) && addend.dim(1) == c.dim(1),
                "matmulAddSigmoid", c, addend);
        CpuTensor x = f32(addend);
        float[] xf = x.f;
        int xo = x.offset;
        int n = c.dim(1);
        gemm.matmul(a, ta, b, tb, c, 0, (cf, co, ldc, i0, i1, j0, j1) -> {
            float[] pad = scratch.floats(Scratch.Slot.ACTIVATION_PAD, Activations.PAD);
            // axpy(1, addend, c) is fma(1, x, c): one rounding of the exact sum, as this add.
            for (int i = i0; i < i1; i++) {
                addRow(cf, co + i * ldc, xf, xo + i * n, j0, j1);
            }
            sigmoidTile(cf, co, ldc, i0, i1, j0, j1, pad);
        });
    }

    @Override
    public void matmulBiasPrelu(Tensor a, boolean ta, Tensor b, boolean tb, Tensor bias, Tensor alpha, Tensor z,
                                Tensor y) {
        sameSize(z, y, "matmulBiasPrelu");
        float[] bf = biasOf(z, bias, "matmulBiasPrelu");
        int bo = f32(bias).offset;
        require(alpha.size() == z.dim(-1), "matmulBiasPrelu", z, alpha);
        CpuTensor al = f32(alpha);
        CpuTensor o = f32(y);
        int zo = f32(z).offset;
        gemm.matmul(a, ta, b, tb, z, 0, (cf, co, ldc, i0, i1, j0, j1) -> {
            for (int i = i0; i < i1; i++) {
                int row = co + i * ldc;
                PreluRow.biasPrelu(cf, row + j0, bf, bo + j0, al.f, al.offset + j0, o.f,
                        o.offset + (row - zo) + j0, j1 - j0);
            }
        });
    }

    private static float[] biasOf(Tensor c, Tensor bias, String op) {
        require(c.rank() == 2 && bias.size() == c.dim(-1), op, c, bias);
        return f32(bias).f;
    }

    private static void addRow(float[] c, int row, float[] bias, int bo, int j0, int j1) {
        for (int j = j0; j < j1; j++) {
            c[row + j] += bias[bo + j];
        }
    }

    @Override
    public void fill(Tensor x, double value) {
        CpuTensor c = CpuTensor.of(x);
        switch (c.dtype) {
            case F32 -> Arrays.fill(c.f, c.offset, c.offset + c.size, (float) value);
            case I32 -> Arrays.fill(c.i, c.offset, c.offset + c.size, (int) value);
            case F64 -> Arrays.fill(c.d, c.offset, c.offset + c.size, value);
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        CpuTensor s = CpuTensor.of(src);
        CpuTensor o = CpuTensor.of(dst);
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
        par.forChunks(m, CpuParallel.rowGrain(n), (lo, hi) -> {
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
     * rows) added in chunk order, so the order of every sum depends on the shape alone. The result is this thread's
     * scratch, good until its next call.
     */
    private double[] columnSums(int m, int n, RowTerm term) {
        int grain = Math.max(CpuParallel.rowGrain(n), 64);
        int chunks = (m + grain - 1) / grain;
        double[] part = scratch.doubles(Scratch.Slot.COLUMN_PARTIALS, Math.max(chunks, 1) * n);
        Arrays.fill(part, 0, Math.max(chunks, 1) * n, 0);
        par.forChunks(m, grain, (lo, hi) -> term.add(lo, hi, part, (lo / grain) * n));
        double[] out = scratch.doubles(Scratch.Slot.COLUMN_TOTALS, n);
        Arrays.fill(out, 0, n, 0);
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

    /**
     * The sigmoid's backward with the bias gradient's column sums in the same pass over the rows: each dx element as
     * {@link #sigmoidBackward} computes it, summed as {@link #sumRows} sums dx (same row chunks, same order), so the
     * composition's bits without reading dx back.
     */
    @Override
    public void sigmoidBackwardSumRows(Tensor y, Tensor dy, Tensor dx, Tensor biasGrad) {
        sameSize(y, dy, "sigmoidBackwardSumRows");
        sameSize(y, dx, "sigmoidBackwardSumRows");
        int n = y.dim(-1);
        require(biasGrad.size() == n, "sigmoidBackwardSumRows", y, biasGrad);
        int m = rowsOf(y);
        CpuTensor a = f32(y);
        CpuTensor g = f32(dy);
        CpuTensor o = f32(dx);
        CpuTensor bg = f32(biasGrad);
        double[] s = columnSums(m, n, (lo, hi, acc, at) ->
                SigmoidBackward.rows(a.f, a.offset, g.f, g.offset, o.f, o.offset, n, lo, hi, acc, at));
        for (int j = 0; j < n; j++) {
            int oi = bg.offset + j;
            bg.f[oi] = (float) (bg.f[oi] + s[j]);
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
        par.forChunks(x.size, CpuParallel.WORK, (lo, hi) -> kernel.run(x.f, x.offset + lo, y == null ? null : y.f,
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
        par.forChunks(m, CpuParallel.rowGrain(n), (lo, hi) -> {
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
        par.forChunks(m, CpuParallel.rowGrain(n), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                o.f[o.offset + r] = (float) dot(x.f, x.offset + r * n, y.f, y.offset + r * n, n);
            }
        });
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

    @Override
    public void sigmoid(Tensor x, Tensor y) {
        flat(x, null, y, "sigmoid", (a, ao, unused, uo, o, oo, n) -> Activations.sigmoid(a, ao, o, oo, n));
    }

    @Override
    public void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        flat(y, dy, dx, "sigmoidBackward", (a, ao, g, go, o, oo, n) ->
                SigmoidBackward.rows(a, ao, g, go, o, oo, n, 0, 1, null, 0));
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
        par.forChunks(rowsOf(x), CpuParallel.rowGrain(n), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                PreluRow.prelu(a.f, a.offset + r * n, al.f, al.offset, o.f, o.offset + r * n, n);
            }
        });
    }

    /** The composition's bits (a float add, then the PReLU's select) in one pass per row. */
    @Override
    public void addBiasPrelu(Tensor x, Tensor bias, Tensor alpha, Tensor y) {
        sameSize(x, y, "addBiasPrelu");
        int n = x.dim(-1);
        require(bias.size() == n && alpha.size() == n, "addBiasPrelu", x, bias, alpha);
        CpuTensor a = f32(x);
        CpuTensor b = f32(bias);
        CpuTensor al = f32(alpha);
        CpuTensor o = f32(y);
        par.forChunks(rowsOf(x), CpuParallel.rowGrain(n), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                PreluRow.biasPrelu(a.f, a.offset + r * n, b.f, b.offset, al.f, al.offset, o.f, o.offset + r * n, n);
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
        // dx and alpha's column sums in one pass over the rows.
        double[] s = columnSums(m, n, (lo, hi, acc, at) -> PreluBackward.rows(a.f, a.offset, g.f, g.offset, al.f,
                al.offset, o.f, o.offset, n, lo, hi, acc, at));
        for (int j = 0; j < n; j++) {
            da.f[da.offset + j] = (float) (da.f[da.offset + j] + s[j]);
        }
    }

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
        CpuTensor[] ps = parts.stream().map(CpuArrays::f32).toArray(CpuTensor[]::new);
        par.forChunks(m, CpuParallel.rowGrain(n), (lo, hi) -> {
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
        CpuTensor[] ps = parts.stream().map(CpuArrays::f32).toArray(CpuTensor[]::new);
        par.forChunks(m, CpuParallel.rowGrain(n), (lo, hi) -> {
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
        par.forChunks(b, CpuParallel.rowGrain((long) a * d), (lo, hi) -> {
            for (int j = lo; j < hi; j++) {
                for (int i = 0; i < a; i++) {
                    System.arraycopy(s.f, s.offset + (i * b + j) * d, o.f, o.offset + (j * a + i) * d, d);
                }
            }
        });
    }

    @Override
    public void dropoutMask(long seed, long salt, Tensor step, double rate, Tensor mask) {
        Shapes.dropoutMask(step, rate);
        int at = i32(step).getInt(0);
        CpuTensor o = f32(mask);
        par.forChunks(o.size, CpuParallel.WORK, (lo, hi) -> {
            for (int k = lo; k < hi; k++) {
                o.f[o.offset + k] = (float) CounterRandom.dropoutValue(seed, salt, at, k, rate);
            }
        });
    }

    @Override
    public void maskedMeanWeights(Tensor mask, Tensor weights) {
        Shapes.maskedMeanWeights(mask, weights);
        int k = mask.dim(-1);
        CpuTensor m = f32(mask);
        CpuTensor w = f32(weights);
        par.forChunks(rowsOf(mask), CpuParallel.rowGrain(k), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int mi = m.offset + i * k;
                double count = 0;
                for (int j = 0; j < k; j++) {
                    count += m.f[mi + j];
                }
                float inv = (float) (1.0 / (count + 1.0));
                int wi = w.offset + i * k;
                for (int j = 0; j < k; j++) {
                    w.f[wi + j] = m.f[mi + j] * inv;
                }
            }
        });
    }

    @Override
    public void broadcastOverTime(Tensor x, Tensor out) {
        Shapes.overTime(x, out, "broadcastOverTime");
        int t = out.dim(1);
        int n = out.dim(2);
        CpuTensor s = f32(x);
        CpuTensor o = f32(out);
        par.forChunks(out.dim(0), CpuParallel.rowGrain((long) t * n), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j < t; j++) {
                    System.arraycopy(s.f, s.offset + i * n, o.f, o.offset + (i * t + j) * n, n);
                }
            }
        });
    }

    @Override
    public void sumOverTime(Tensor dOut, Tensor dX) {
        Shapes.overTime(dX, dOut, "sumOverTime");
        int t = dOut.dim(1);
        int n = dOut.dim(2);
        CpuTensor g = f32(dOut);
        CpuTensor o = f32(dX);
        // Parallel over b only: within a row the additions run in increasing t, one float rounding each.
        par.forChunks(dOut.dim(0), CpuParallel.rowGrain((long) t * n), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int oi = o.offset + i * n;
                for (int j = 0; j < t; j++) {
                    int gi = g.offset + (i * t + j) * n;
                    for (int c = 0; c < n; c++) {
                        o.f[oi + c] += g.f[gi + c];
                    }
                }
            }
        });
    }
}
