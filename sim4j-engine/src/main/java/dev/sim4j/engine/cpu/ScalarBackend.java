package dev.sim4j.engine.cpu;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * The reference backend: plain single-threaded loops, every intermediate in double, results stored in the tensor's
 * type. It is the oracle the fast backends are tested against, and, in float64, the one the finite-difference
 * gradient checks run on. Written to be obviously right, not fast.
 */
public class ScalarBackend implements Backend {
    private final DType floatType;

    /** A reference backend computing in {@code floatType} (F32 or F64). */
    public ScalarBackend(DType floatType) {
        if (!floatType.floating()) {
            throw new IllegalArgumentException("a backend computes in F32 or F64, not " + floatType);
        }
        this.floatType = floatType;
    }

    @Override
    public String name() {
        return "scalar-" + floatType.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public DType floatType() {
        return floatType;
    }

    static CpuTensor t(Tensor x) {
        if (!(x instanceof CpuTensor c)) {
            throw new IllegalArgumentException("not a CPU tensor: " + x);
        }
        return c;
    }

    static void require(boolean ok, String what, Tensor... ts) {
        if (!ok) {
            StringBuilder b = new StringBuilder(what).append(": shapes");
            for (Tensor x : ts) {
                b.append(' ').append(Arrays.toString(x.shape()));
            }
            throw new IllegalArgumentException(b.toString());
        }
    }

    static int rowsOf(Tensor x) {
        return x.rank() == 0 ? 1 : (int) (x.size() / x.dim(-1));
    }

    // ---------------------------------------------------------------- memory

    @Override
    public Tensor zeros(DType dtype, int... shape) {
        return CpuTensor.allocate(this, dtype, shape);
    }

    @Override
    public Tensor upload(double[] values, int... shape) {
        CpuTensor x = CpuTensor.allocate(this, floatType, shape);
        write(x, values);
        return x;
    }

    @Override
    public Tensor upload(float[] values, int... shape) {
        CpuTensor x = CpuTensor.allocate(this, floatType, shape);
        write(x, values);
        return x;
    }

    @Override
    public Tensor upload(int[] values, int... shape) {
        CpuTensor x = CpuTensor.allocate(this, DType.I32, shape);
        write(x, values);
        return x;
    }

    @Override
    public double[] toDoubles(Tensor x) {
        CpuTensor c = t(x);
        double[] out = new double[c.size];
        for (int k = 0; k < c.size; k++) {
            out[k] = c.get(k);
        }
        return out;
    }

    @Override
    public float[] toFloats(Tensor x) {
        CpuTensor c = t(x);
        float[] out = new float[c.size];
        for (int k = 0; k < c.size; k++) {
            out[k] = (float) c.get(k);
        }
        return out;
    }

    @Override
    public int[] toInts(Tensor x) {
        CpuTensor c = t(x);
        require(c.dtype == DType.I32, "toInts needs an I32 tensor", x);
        return Arrays.copyOfRange(c.i, c.offset, c.offset + c.size);
    }

    @Override
    public void write(Tensor x, double[] values) {
        CpuTensor c = t(x);
        require(values.length >= c.size, "write: too few values (" + values.length + ")", x);
        for (int k = 0; k < c.size; k++) {
            c.set(k, values[k]);
        }
    }

    @Override
    public void write(Tensor x, float[] values) {
        CpuTensor c = t(x);
        require(values.length >= c.size, "write: too few values (" + values.length + ")", x);
        for (int k = 0; k < c.size; k++) {
            c.set(k, values[k]);
        }
    }

    @Override
    public void write(Tensor x, int[] values) {
        CpuTensor c = t(x);
        require(values.length >= c.size, "write: too few values (" + values.length + ")", x);
        for (int k = 0; k < c.size; k++) {
            c.set(k, values[k]);
        }
    }

    @Override
    public void fill(Tensor x, double value) {
        CpuTensor c = t(x);
        for (int k = 0; k < c.size; k++) {
            c.set(k, value);
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        CpuTensor s = t(src);
        CpuTensor o = t(dst);
        require(s.size == o.size, "copy", src, dst);
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
        CpuTensor x = t(a);
        CpuTensor y = t(b);
        CpuTensor z = t(c);
        int lda = a.dim(1);
        int ldb = b.dim(1);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? x.get(p * lda + i) : x.get(i * lda + p);
                    double bv = tb ? y.get(j * ldb + p) : y.get(p * ldb + j);
                    s += av * bv;
                }
                double prev = beta == 0 ? 0 : beta * z.get(i * n + j);
                z.set(i * n + j, s + prev);
            }
        }
    }

    @Override
    public void addRowVector(Tensor x, Tensor v) {
        CpuTensor a = t(x);
        CpuTensor b = t(v);
        int n = x.dim(-1);
        require(v.size() == n, "addRowVector", x, v);
        for (int k = 0; k < a.size; k++) {
            a.set(k, a.get(k) + b.get(k % n));
        }
    }

    @Override
    public void sumRows(Tensor x, Tensor out, double beta) {
        CpuTensor a = t(x);
        CpuTensor o = t(out);
        int n = x.dim(-1);
        require(out.size() == n, "sumRows", x, out);
        int m = rowsOf(x);
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int r = 0; r < m; r++) {
                s += a.get(r * n + j);
            }
            o.set(j, (beta == 0 ? 0 : beta * o.get(j)) + s);
        }
    }

    private static void sameSize(Tensor a, Tensor b, String op) {
        require(a.size() == b.size(), op, a, b);
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        sameSize(a, b, "add");
        sameSize(a, out, "add");
        CpuTensor x = t(a);
        CpuTensor y = t(b);
        CpuTensor o = t(out);
        for (int k = 0; k < x.size; k++) {
            o.set(k, x.get(k) + y.get(k));
        }
    }

    @Override
    public void subtract(Tensor a, Tensor b, Tensor out) {
        sameSize(a, b, "subtract");
        sameSize(a, out, "subtract");
        CpuTensor x = t(a);
        CpuTensor y = t(b);
        CpuTensor o = t(out);
        for (int k = 0; k < x.size; k++) {
            o.set(k, x.get(k) - y.get(k));
        }
    }

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        sameSize(x, y, "axpy");
        CpuTensor a = t(x);
        CpuTensor b = t(y);
        for (int k = 0; k < a.size; k++) {
            b.set(k, b.get(k) + alpha * a.get(k));
        }
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        sameSize(a, b, "mul");
        sameSize(a, out, "mul");
        CpuTensor x = t(a);
        CpuTensor y = t(b);
        CpuTensor o = t(out);
        for (int k = 0; k < x.size; k++) {
            o.set(k, x.get(k) * y.get(k));
        }
    }

    @Override
    public void mulRows(Tensor x, Tensor s, Tensor out) {
        sameSize(x, out, "mulRows");
        int n = x.dim(-1);
        require(s.size() == rowsOf(x), "mulRows", x, s);
        CpuTensor a = t(x);
        CpuTensor b = t(s);
        CpuTensor o = t(out);
        for (int k = 0; k < a.size; k++) {
            o.set(k, a.get(k) * b.get(k / n));
        }
    }

    @Override
    public void rowDot(Tensor a, Tensor b, Tensor out) {
        sameSize(a, b, "rowDot");
        int n = a.dim(-1);
        int m = rowsOf(a);
        require(out.size() == m, "rowDot", a, out);
        CpuTensor x = t(a);
        CpuTensor y = t(b);
        CpuTensor o = t(out);
        for (int r = 0; r < m; r++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += x.get(r * n + j) * y.get(r * n + j);
            }
            o.set(r, s);
        }
    }

    @Override
    public void scale(Tensor x, double s) {
        CpuTensor a = t(x);
        for (int k = 0; k < a.size; k++) {
            a.set(k, a.get(k) * s);
        }
    }

    // ---------------------------------------------------------------- activations

    static double sigmoid(double v) {
        return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    }

    @Override
    public void sigmoid(Tensor x, Tensor y) {
        sameSize(x, y, "sigmoid");
        CpuTensor a = t(x);
        CpuTensor o = t(y);
        for (int k = 0; k < a.size; k++) {
            o.set(k, sigmoid(a.get(k)));
        }
    }

    @Override
    public void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        sameSize(y, dy, "sigmoidBackward");
        sameSize(y, dx, "sigmoidBackward");
        CpuTensor a = t(y);
        CpuTensor g = t(dy);
        CpuTensor o = t(dx);
        for (int k = 0; k < a.size; k++) {
            double s = a.get(k);
            o.set(k, g.get(k) * s * (1 - s));
        }
    }

    @Override
    public void tanh(Tensor x, Tensor y) {
        sameSize(x, y, "tanh");
        CpuTensor a = t(x);
        CpuTensor o = t(y);
        for (int k = 0; k < a.size; k++) {
            o.set(k, Math.tanh(a.get(k)));
        }
    }

    @Override
    public void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        sameSize(y, dy, "tanhBackward");
        sameSize(y, dx, "tanhBackward");
        CpuTensor a = t(y);
        CpuTensor g = t(dy);
        CpuTensor o = t(dx);
        for (int k = 0; k < a.size; k++) {
            double s = a.get(k);
            o.set(k, g.get(k) * (1 - s * s));
        }
    }

    @Override
    public void prelu(Tensor x, Tensor alpha, Tensor y) {
        sameSize(x, y, "prelu");
        int n = x.dim(-1);
        require(alpha.size() == n, "prelu", x, alpha);
        CpuTensor a = t(x);
        CpuTensor al = t(alpha);
        CpuTensor o = t(y);
        for (int k = 0; k < a.size; k++) {
            double v = a.get(k);
            o.set(k, v > 0 ? v : al.get(k % n) * v);
        }
    }

    @Override
    public void preluBackward(Tensor x, Tensor alpha, Tensor dy, Tensor dx, Tensor dAlpha) {
        sameSize(x, dy, "preluBackward");
        sameSize(x, dx, "preluBackward");
        int n = x.dim(-1);
        int m = rowsOf(x);
        CpuTensor a = t(x);
        CpuTensor al = t(alpha);
        CpuTensor g = t(dy);
        CpuTensor o = t(dx);
        CpuTensor da = t(dAlpha);
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int r = 0; r < m; r++) {
                int k = r * n + j;
                double v = a.get(k);
                s += g.get(k) * Math.min(v, 0);
            }
            da.set(j, da.get(j) + s);
        }
        for (int k = 0; k < a.size; k++) {
            double v = a.get(k);
            o.set(k, g.get(k) * (v > 0 ? 1 : al.get(k % n)));
        }
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
        CpuTensor o = t(out);
        int col = 0;
        for (Tensor p : parts) {
            CpuTensor s = t(p);
            int w = p.dim(-1);
            for (int r = 0; r < m; r++) {
                for (int j = 0; j < w; j++) {
                    o.set(r * n + col + j, s.get(r * w + j));
                }
            }
            col += w;
        }
    }

    @Override
    public void splitColumns(Tensor in, List<Tensor> parts, boolean accumulate) {
        int m = rowsOf(in);
        int n = in.dim(-1);
        CpuTensor s = t(in);
        int col = 0;
        for (Tensor p : parts) {
            require(rowsOf(p) == m, "splitColumns: rows differ", in, p);
            CpuTensor o = t(p);
            int w = p.dim(-1);
            for (int r = 0; r < m; r++) {
                for (int j = 0; j < w; j++) {
                    double v = s.get(r * n + col + j);
                    o.set(r * w + j, accumulate ? o.get(r * w + j) + v : v);
                }
            }
            col += w;
        }
        require(col == n, "splitColumns: widths do not add up", in);
    }

    @Override
    public void transpose01(Tensor x, Tensor out) {
        require(x.rank() == 3 && out.rank() == 3 && x.dim(0) == out.dim(1) && x.dim(1) == out.dim(0)
                && x.dim(2) == out.dim(2), "transpose01", x, out);
        int a = x.dim(0);
        int b = x.dim(1);
        int d = x.dim(2);
        CpuTensor s = t(x);
        CpuTensor o = t(out);
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                for (int k = 0; k < d; k++) {
                    o.set((j * a + i) * d + k, s.get((i * b + j) * d + k));
                }
            }
        }
    }

    // ---------------------------------------------------------------- embeddings

    @Override
    public void gatherRows(Tensor table, Tensor ids, Tensor out) {
        int e = table.dim(-1);
        int rows = table.dim(0);
        int n = (int) ids.size();
        require(out.size() == (long) n * e, "gatherRows", table, ids, out);
        CpuTensor tb = t(table);
        CpuTensor id = t(ids);
        CpuTensor o = t(out);
        for (int r = 0; r < n; r++) {
            int row = id.getInt(r);
            if (row < 0 || row >= rows) {
                throw new IndexOutOfBoundsException("id " + row + " outside the table of " + rows + " rows");
            }
            for (int j = 0; j < e; j++) {
                o.set(r * e + j, tb.get(row * e + j));
            }
        }
    }

    @Override
    public void scatterAddRows(Tensor dOut, Tensor ids, Tensor dTable) {
        int e = dTable.dim(-1);
        int n = (int) ids.size();
        require(dOut.size() == (long) n * e, "scatterAddRows", dOut, ids, dTable);
        CpuTensor g = t(dOut);
        CpuTensor id = t(ids);
        CpuTensor o = t(dTable);
        for (int r = 0; r < n; r++) {
            int row = id.getInt(r);
            for (int j = 0; j < e; j++) {
                o.set(row * e + j, o.get(row * e + j) + g.get(r * e + j));
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
        require(from >= 0 && from <= to && to <= tt && categoryIds.size() == itemIds.size()
                && out.size() == (long) b * w * (e1 + e2) && mask.size() == (long) b * w,
                "embedSequence", itemIds, categoryIds, out, mask);
        CpuTensor it = t(items);
        CpuTensor ct = t(categories);
        CpuTensor ii = t(itemIds);
        CpuTensor ci = t(categoryIds);
        CpuTensor o = t(out);
        CpuTensor m = t(mask);
        for (int r = 0; r < b; r++) {
            for (int s = 0; s < w; s++) {
                int item = ii.getInt(r * tt + from + s);
                int cat = ci.getInt(r * tt + from + s);
                if (item < 0 || item >= items.dim(0) || cat < 0 || cat >= categories.dim(0)) {
                    throw new IndexOutOfBoundsException("embedSequence: item " + item + " or category " + cat
                            + " outside the tables of " + items.dim(0) + " and " + categories.dim(0) + " rows");
                }
                int row = r * w + s;
                boolean keep = item > 0;
                m.set(row, keep ? 1 : 0);
                for (int j = 0; j < e1; j++) {
                    o.set(row * (e1 + e2) + j, keep ? it.get(item * e1 + j) : 0);
                }
                for (int j = 0; j < e2; j++) {
                    o.set(row * (e1 + e2) + e1 + j, keep ? ct.get(cat * e2 + j) : 0);
                }
            }
        }
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
        CpuTensor g = t(dOut);
        CpuTensor ii = t(itemIds);
        CpuTensor ci = t(categoryIds);
        CpuTensor di = t(dItems);
        CpuTensor dc = t(dCategories);
        for (int r = 0; r < b; r++) {
            for (int s = 0; s < w; s++) {
                int item = ii.getInt(r * tt + from + s);
                if (item == 0) {
                    continue;
                }
                int cat = ci.getInt(r * tt + from + s);
                int row = r * w + s;
                for (int j = 0; j < e1; j++) {
                    di.set(item * e1 + j, di.get(item * e1 + j) + g.get(row * (e1 + e2) + j));
                }
                for (int j = 0; j < e2; j++) {
                    dc.set(cat * e2 + j, dc.get(cat * e2 + j) + g.get(row * (e1 + e2) + e1 + j));
                }
            }
        }
    }

    // ---------------------------------------------------------------- attention and selection

    @Override
    public void batchedDot(Tensor keys, Tensor query, Tensor out) {
        int b = keys.dim(0);
        int tt = keys.dim(1);
        int d = keys.dim(2);
        require(query.size() == (long) b * d && out.size() == (long) b * tt, "batchedDot", keys, query, out);
        CpuTensor k = t(keys);
        CpuTensor q = t(query);
        CpuTensor o = t(out);
        for (int i = 0; i < b; i++) {
            for (int s = 0; s < tt; s++) {
                double acc = 0;
                for (int j = 0; j < d; j++) {
                    acc += k.get((i * tt + s) * d + j) * q.get(i * d + j);
                }
                o.set(i * tt + s, acc);
            }
        }
    }

    @Override
    public void batchedDotBackward(Tensor keys, Tensor query, Tensor dOut, Tensor dKeys, Tensor dQuery) {
        int b = keys.dim(0);
        int tt = keys.dim(1);
        int d = keys.dim(2);
        CpuTensor k = t(keys);
        CpuTensor q = t(query);
        CpuTensor g = t(dOut);
        CpuTensor dk = t(dKeys);
        CpuTensor dq = t(dQuery);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < d; j++) {
                double acc = 0;
                for (int s = 0; s < tt; s++) {
                    double gv = g.get(i * tt + s);
                    int at = (i * tt + s) * d + j;
                    dk.set(at, dk.get(at) + gv * q.get(i * d + j));
                    acc += gv * k.get(at);
                }
                dq.set(i * d + j, dq.get(i * d + j) + acc);
            }
        }
    }

    @Override
    public void weightedSum(Tensor weights, Tensor values, Tensor out) {
        int b = values.dim(0);
        int tt = values.dim(1);
        int d = values.dim(2);
        require(weights.size() == (long) b * tt && out.size() == (long) b * d, "weightedSum", weights, values, out);
        CpuTensor w = t(weights);
        CpuTensor v = t(values);
        CpuTensor o = t(out);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < d; j++) {
                double acc = 0;
                for (int s = 0; s < tt; s++) {
                    acc += w.get(i * tt + s) * v.get((i * tt + s) * d + j);
                }
                o.set(i * d + j, acc);
            }
        }
    }

    @Override
    public void weightedSumBackward(Tensor weights, Tensor values, Tensor dOut, Tensor dWeights, Tensor dValues) {
        int b = values.dim(0);
        int tt = values.dim(1);
        int d = values.dim(2);
        CpuTensor w = t(weights);
        CpuTensor v = t(values);
        CpuTensor g = t(dOut);
        CpuTensor dw = t(dWeights);
        CpuTensor dv = t(dValues);
        for (int i = 0; i < b; i++) {
            for (int s = 0; s < tt; s++) {
                double acc = 0;
                for (int j = 0; j < d; j++) {
                    int at = (i * tt + s) * d + j;
                    acc += g.get(i * d + j) * v.get(at);
                    dv.set(at, dv.get(at) + w.get(i * tt + s) * g.get(i * d + j));
                }
                dw.set(i * tt + s, acc);
            }
        }
    }

    @Override
    public void maskedSoftmax(Tensor scores, Tensor mask, Tensor out) {
        sameSize(scores, mask, "maskedSoftmax");
        sameSize(scores, out, "maskedSoftmax");
        int tt = scores.dim(-1);
        int b = rowsOf(scores);
        CpuTensor s = t(scores);
        CpuTensor m = t(mask);
        CpuTensor o = t(out);
        for (int i = 0; i < b; i++) {
            double max = Double.NEGATIVE_INFINITY;
            int live = 0;
            for (int k = 0; k < tt; k++) {
                if (m.get(i * tt + k) != 0) {
                    max = Math.max(max, s.get(i * tt + k));
                    live++;
                }
            }
            if (live == 0) {
                for (int k = 0; k < tt; k++) {
                    o.set(i * tt + k, 1.0 / tt);
                }
                continue;
            }
            double z = 0;
            for (int k = 0; k < tt; k++) {
                if (m.get(i * tt + k) != 0) {
                    z += Math.exp(s.get(i * tt + k) - max);
                }
            }
            for (int k = 0; k < tt; k++) {
                o.set(i * tt + k, m.get(i * tt + k) != 0 ? Math.exp(s.get(i * tt + k) - max) / z : 0);
            }
        }
    }

    @Override
    public void maskedSoftmaxBackward(Tensor p, Tensor dp, Tensor mask, Tensor dScores) {
        int tt = p.dim(-1);
        int b = rowsOf(p);
        CpuTensor pp = t(p);
        CpuTensor g = t(dp);
        CpuTensor m = t(mask);
        CpuTensor o = t(dScores);
        for (int i = 0; i < b; i++) {
            double dot = 0;
            for (int k = 0; k < tt; k++) {
                dot += pp.get(i * tt + k) * g.get(i * tt + k);
            }
            for (int k = 0; k < tt; k++) {
                int at = i * tt + k;
                o.set(at, m.get(at) != 0 ? pp.get(at) * (g.get(at) - dot) : 0);
            }
        }
    }

    @Override
    public void topK(Tensor weights, int k, Tensor indices) {
        int tt = weights.dim(-1);
        int b = rowsOf(weights);
        require(k <= tt && indices.size() == (long) b * k, "topK with k = " + k, weights, indices);
        CpuTensor w = t(weights);
        CpuTensor o = t(indices);
        Integer[] order = new Integer[tt];
        for (int i = 0; i < b; i++) {
            int base = i * tt;
            for (int s = 0; s < tt; s++) {
                order[s] = s;
            }
            // Stable sort by descending weight: equal weights keep the lower position first.
            Arrays.sort(order, (x, y) -> Double.compare(w.get(base + y), w.get(base + x)));
            for (int j = 0; j < k; j++) {
                o.set(i * k + j, order[j]);
            }
        }
    }

    @Override
    public void gatherTime(Tensor x, Tensor idx, Tensor out) {
        int b = x.dim(0);
        int tt = x.dim(1);
        int d = x.dim(2);
        int k = idx.dim(-1);
        require(out.size() == (long) b * k * d, "gatherTime", x, idx, out);
        CpuTensor s = t(x);
        CpuTensor id = t(idx);
        CpuTensor o = t(out);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < k; j++) {
                int pos = id.getInt(i * k + j);
                for (int c = 0; c < d; c++) {
                    o.set((i * k + j) * d + c, s.get((i * tt + pos) * d + c));
                }
            }
        }
    }

    @Override
    public void scatterAddTime(Tensor dOut, Tensor idx, Tensor dX) {
        int b = dX.dim(0);
        int tt = dX.dim(1);
        int d = dX.dim(2);
        int k = idx.dim(-1);
        CpuTensor g = t(dOut);
        CpuTensor id = t(idx);
        CpuTensor o = t(dX);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < k; j++) {
                int pos = id.getInt(i * k + j);
                for (int c = 0; c < d; c++) {
                    int at = (i * tt + pos) * d + c;
                    o.set(at, o.get(at) + g.get((i * k + j) * d + c));
                }
            }
        }
    }

    @Override
    public void gatherColumns(Tensor x, Tensor idx, Tensor out) {
        int tt = x.dim(-1);
        int b = rowsOf(x);
        int k = idx.dim(-1);
        require(out.size() == (long) b * k, "gatherColumns", x, idx, out);
        CpuTensor s = t(x);
        CpuTensor id = t(idx);
        CpuTensor o = t(out);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < k; j++) {
                o.set(i * k + j, s.get(i * tt + id.getInt(i * k + j)));
            }
        }
    }

    @Override
    public void positive(Tensor x, Tensor out) {
        sameSize(x, out, "positive");
        CpuTensor s = t(x);
        CpuTensor o = t(out);
        for (int k = 0; k < s.size; k++) {
            o.set(k, s.get(k) > 0 ? 1 : 0);
        }
    }

    @Override
    public void nonPadding(Tensor ids, Tensor out) {
        sameSize(ids, out, "nonPadding");
        CpuTensor s = t(ids);
        CpuTensor o = t(out);
        for (int k = 0; k < s.size; k++) {
            o.set(k, s.getInt(k) > 0 ? 1 : 0);
        }
    }

    // ---------------------------------------------------------------- recurrent cells

    @Override
    public void gruCell(Tensor gx, Tensor gh, Tensor hPrev, Tensor hOut, Tensor cache) {
        int h = hPrev.dim(-1);
        int b = rowsOf(hPrev);
        require(gx.size() == 3L * b * h && gh.size() == 3L * b * h && cache.size() == 3L * b * h
                && hOut.size() == (long) b * h, "gruCell", gx, gh, hPrev, hOut, cache);
        CpuTensor x = t(gx);
        CpuTensor r = t(gh);
        CpuTensor p = t(hPrev);
        CpuTensor o = t(hOut);
        CpuTensor c = t(cache);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < h; j++) {
                int zi = i * 3 * h + j;
                int ri = zi + h;
                int ni = zi + 2 * h;
                double z = sigmoid(x.get(zi) + r.get(zi));
                double rr = sigmoid(x.get(ri) + r.get(ri));
                double n = Math.tanh(x.get(ni) + rr * r.get(ni));
                double hp = p.get(i * h + j);
                o.set(i * h + j, z * hp + (1 - z) * n);
                c.set(zi, z);
                c.set(ri, rr);
                c.set(ni, n);
            }
        }
    }

    @Override
    public void gruCellBackward(Tensor gh, Tensor hPrev, Tensor cache, Tensor dh, Tensor dgx, Tensor dgh, Tensor dhPrev) {
        int h = hPrev.dim(-1);
        int b = rowsOf(hPrev);
        CpuTensor r = t(gh);
        CpuTensor p = t(hPrev);
        CpuTensor c = t(cache);
        CpuTensor g = t(dh);
        CpuTensor dx = t(dgx);
        CpuTensor dr = t(dgh);
        CpuTensor dp = t(dhPrev);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < h; j++) {
                int zi = i * 3 * h + j;
                int ri = zi + h;
                int ni = zi + 2 * h;
                double z = c.get(zi);
                double rr = c.get(ri);
                double n = c.get(ni);
                double hp = p.get(i * h + j);
                double d = g.get(i * h + j);
                double dz = d * (hp - n) * z * (1 - z);
                double dnPre = d * (1 - z) * (1 - n * n);
                double drPre = dnPre * r.get(ni) * rr * (1 - rr);
                dx.set(zi, dz);
                dr.set(zi, dz);
                dx.set(ri, drPre);
                dr.set(ri, drPre);
                dx.set(ni, dnPre);
                dr.set(ni, dnPre * rr);
                dp.set(i * h + j, d * z);
            }
        }
    }

    @Override
    public void augruUpdate(Tensor u, Tensor c, Tensor s, Tensor a, Tensor out, boolean paperForm) {
        int h = s.dim(-1);
        int b = rowsOf(s);
        require(u.size() == (long) b * h && c.size() == (long) b * h && a.size() == b && out.size() == (long) b * h,
                "augruUpdate", u, c, s, a, out);
        CpuTensor uu = t(u);
        CpuTensor cc = t(c);
        CpuTensor ss = t(s);
        CpuTensor aa = t(a);
        CpuTensor o = t(out);
        for (int i = 0; i < b; i++) {
            double at = aa.get(i);
            for (int j = 0; j < h; j++) {
                int k = i * h + j;
                double v;
                if (paperForm) {
                    double u2 = at * uu.get(k);
                    v = (1 - u2) * ss.get(k) + u2 * cc.get(k);
                } else {
                    double u2 = (1 - at) * uu.get(k);
                    v = u2 * ss.get(k) + (1 - u2) * cc.get(k);
                }
                o.set(k, v);
            }
        }
    }

    @Override
    public void augruUpdateBackward(Tensor u, Tensor c, Tensor s, Tensor a, Tensor dOut, Tensor du, Tensor dc, Tensor ds,
                                    Tensor da, boolean paperForm) {
        int h = s.dim(-1);
        int b = rowsOf(s);
        CpuTensor uu = t(u);
        CpuTensor cc = t(c);
        CpuTensor ss = t(s);
        CpuTensor aa = t(a);
        CpuTensor g = t(dOut);
        CpuTensor dU = t(du);
        CpuTensor dC = t(dc);
        CpuTensor dS = t(ds);
        CpuTensor dA = t(da);
        for (int i = 0; i < b; i++) {
            double at = aa.get(i);
            double accA = 0;
            for (int j = 0; j < h; j++) {
                int k = i * h + j;
                double d = g.get(k);
                double uv = uu.get(k);
                double sv = ss.get(k);
                double cv = cc.get(k);
                if (paperForm) {
                    double u2 = at * uv;
                    double dU2 = d * (cv - sv);
                    dU.set(k, dU2 * at);
                    accA += dU2 * uv;
                    dC.set(k, d * u2);
                    dS.set(k, dS.get(k) + d * (1 - u2));
                } else {
                    double u2 = (1 - at) * uv;
                    double dU2 = d * (sv - cv);
                    dU.set(k, dU2 * (1 - at));
                    accA -= dU2 * uv;
                    dC.set(k, d * (1 - u2));
                    dS.set(k, dS.get(k) + d * u2);
                }
            }
            dA.set(i, accA);
        }
    }

    @Override
    public void broadcastMul(Tensor q, Tensor h, Tensor out) {
        require(h.rank() == 3, "broadcastMul needs h [B,T,D]", h);
        int b = h.dim(0);
        int tt = h.dim(1);
        int d = h.dim(2);
        require(q.size() == (long) b * d && out.size() == h.size(), "broadcastMul", q, h, out);
        CpuTensor qq = t(q);
        CpuTensor hh = t(h);
        CpuTensor o = t(out);
        for (int i = 0; i < b; i++) {
            for (int s = 0; s < tt; s++) {
                for (int j = 0; j < d; j++) {
                    int k = (i * tt + s) * d + j;
                    o.set(k, qq.get(i * d + j) * hh.get(k));
                }
            }
        }
    }

    @Override
    public void broadcastMulBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh) {
        require(h.rank() == 3, "broadcastMulBackward needs h [B,T,D]", h);
        int b = h.dim(0);
        int tt = h.dim(1);
        int d = h.dim(2);
        require(q.size() == (long) b * d && dOut.size() == h.size() && dq.size() == q.size()
                && dh.size() == h.size(), "broadcastMulBackward", q, h, dOut, dq, dh);
        CpuTensor qq = t(q);
        CpuTensor hh = t(h);
        CpuTensor g = t(dOut);
        CpuTensor gq = t(dq);
        CpuTensor gh = t(dh);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < d; j++) {
                double sum = 0;
                for (int s = 0; s < tt; s++) {
                    int k = (i * tt + s) * d + j;
                    sum += g.get(k) * hh.get(k);
                    gh.set(k, gh.get(k) + g.get(k) * qq.get(i * d + j));
                }
                gq.set(i * d + j, gq.get(i * d + j) + sum);
            }
        }
    }

    @Override
    public void attentionFeatures(Tensor q, Tensor h, Tensor out) {
        int b = h.dim(0);
        int tt = h.dim(1);
        int d = h.dim(2);
        require(q.size() == (long) b * d && out.size() == 4L * b * tt * d, "attentionFeatures", q, h, out);
        CpuTensor qq = t(q);
        CpuTensor hh = t(h);
        CpuTensor o = t(out);
        for (int i = 0; i < b; i++) {
            for (int s = 0; s < tt; s++) {
                int base = (i * tt + s) * 4 * d;
                for (int j = 0; j < d; j++) {
                    double qv = qq.get(i * d + j);
                    double hv = hh.get((i * tt + s) * d + j);
                    o.set(base + j, qv);
                    o.set(base + d + j, hv);
                    o.set(base + 2 * d + j, qv - hv);
                    o.set(base + 3 * d + j, qv * hv);
                }
            }
        }
    }

    @Override
    public void attentionFeaturesBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh) {
        int b = h.dim(0);
        int tt = h.dim(1);
        int d = h.dim(2);
        CpuTensor qq = t(q);
        CpuTensor hh = t(h);
        CpuTensor g = t(dOut);
        CpuTensor dQ = t(dq);
        CpuTensor dH = t(dh);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < d; j++) {
                double qv = qq.get(i * d + j);
                double accQ = 0;
                for (int s = 0; s < tt; s++) {
                    int base = (i * tt + s) * 4 * d;
                    double hv = hh.get((i * tt + s) * d + j);
                    double g0 = g.get(base + j);
                    double g1 = g.get(base + d + j);
                    double g2 = g.get(base + 2 * d + j);
                    double g3 = g.get(base + 3 * d + j);
                    accQ += g0 + g2 + g3 * hv;
                    int hi = (i * tt + s) * d + j;
                    dH.set(hi, dH.get(hi) + g1 - g2 + g3 * qv);
                }
                dQ.set(i * d + j, dQ.get(i * d + j) + accQ);
            }
        }
    }

    // ---------------------------------------------------------------- losses

    @Override
    public double binaryCrossEntropy(Tensor logits, Tensor labels, Tensor dLogits, double scale) {
        sameSize(logits, labels, "binaryCrossEntropy");
        CpuTensor x = t(logits);
        CpuTensor y = t(labels);
        CpuTensor g = t(dLogits);
        int n = x.size;
        double loss = 0;
        for (int k = 0; k < n; k++) {
            double z = x.get(k);
            double l = y.get(k);
            // log(1 + exp(-|z|)) + max(z, 0) - z l: the stable form of -l log s - (1 - l) log(1 - s).
            loss += Math.max(z, 0) - z * l + Math.log1p(Math.exp(-Math.abs(z)));
            g.set(k, scale * (sigmoid(z) - l) / n);
        }
        return loss / n;
    }

    @Override
    public double auxiliaryLoss(Tensor click, Tensor noClick, Tensor mask, Tensor dClick, Tensor dNoClick, double scale) {
        sameSize(click, noClick, "auxiliaryLoss");
        sameSize(click, mask, "auxiliaryLoss");
        CpuTensor c = t(click);
        CpuTensor nc = t(noClick);
        CpuTensor m = t(mask);
        CpuTensor dc = t(dClick);
        CpuTensor dn = t(dNoClick);
        int n = c.size;
        double loss = 0;
        for (int k = 0; k < n; k++) {
            double mk = m.get(k);
            double sc = sigmoid(c.get(k));
            double sn = sigmoid(nc.get(k));
            double pc = sc + 1e-6;
            double pn = 1 - (sn + 1e-6);
            loss += mk * (-Math.log(pc) - Math.log(pn));
            dc.set(k, scale * mk * (-sc * (1 - sc) / pc) / n);
            dn.set(k, scale * mk * (sn * (1 - sn) / pn) / n);
        }
        return loss / n;
    }

    @Override
    public double sum(Tensor x) {
        CpuTensor a = t(x);
        double s = 0;
        for (int k = 0; k < a.size; k++) {
            s += a.get(k);
        }
        return s;
    }

    // ---------------------------------------------------------------- optimizers

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                           double epsilon, double weightDecay, long step) {
        require(grad.size() == param.size() && m.size() == param.size() && v.size() == param.size(), "adamUpdate",
                param, grad, m, v);
        adamElements(t(param), t(grad), t(m), t(v), 0, (int) param.size(), lr, beta1, beta2, epsilon, weightDecay,
                step);
    }

    @Override
    public void adamUpdateRows(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor rows, double lr, double beta1,
                               double beta2, double epsilon, double weightDecay, long step) {
        require(param.rank() == 2 && grad.size() == param.size() && m.size() == param.size()
                && v.size() == param.size(), "adamUpdateRows needs param, grad, m, v [R,E]", param, grad, m, v);
        int[] r = toInts(rows);
        checkRows(r, param.dim(0));
        int e = param.dim(1);
        for (int row : r) {
            adamElements(t(param), t(grad), t(m), t(v), row * e, row * e + e, lr, beta1, beta2, epsilon, weightDecay,
                    step);
        }
    }

    /** Row indices for {@link #adamUpdateRows}: in [0, bound) and strictly increasing. */
    static void checkRows(int[] rows, int bound) {
        for (int k = 0; k < rows.length; k++) {
            if (rows[k] < 0 || rows[k] >= bound) {
                throw new IndexOutOfBoundsException("adamUpdateRows: row " + rows[k] + " at " + k + " outside [0, "
                        + bound + ")");
            }
            if (k > 0 && rows[k] <= rows[k - 1]) {
                throw new IllegalArgumentException("adamUpdateRows: rows must be distinct and increasing; row "
                        + rows[k] + " at " + k + " follows " + rows[k - 1]);
            }
        }
    }

    /** The bias-corrected step size lr * sqrt(1 - beta2^step) / (1 - beta1^step). */
    static double adamStepSize(double lr, double beta1, double beta2, long step) {
        if (step < 1) {
            throw new IllegalArgumentException("Adam steps count from 1, not " + step);
        }
        return lr * Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step));
    }

    private static void adamElements(CpuTensor p, CpuTensor g, CpuTensor m, CpuTensor v, int from, int to, double lr,
                                     double beta1, double beta2, double epsilon, double weightDecay, long step) {
        double lrT = adamStepSize(lr, beta1, beta2, step);
        for (int k = from; k < to; k++) {
            double x = p.get(k);
            if (weightDecay != 0) {
                x -= lr * weightDecay * x;
            }
            double gk = g.get(k);
            double mk = m.get(k) + (gk - m.get(k)) * (1 - beta1);
            double vk = v.get(k) + (gk * gk - v.get(k)) * (1 - beta2);
            m.set(k, mk);
            v.set(k, vk);
            // The stored (possibly float) moments feed the step, as they do in TensorFlow.
            p.set(k, x - lrT * m.get(k) / (Math.sqrt(v.get(k)) + epsilon));
        }
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, double lr, double weightDecay) {
        require(grad.size() == param.size(), "sgdUpdate", param, grad);
        CpuTensor p = t(param);
        CpuTensor g = t(grad);
        for (int k = 0; k < p.size; k++) {
            double x = p.get(k);
            if (weightDecay != 0) {
                x -= lr * weightDecay * x;
            }
            p.set(k, x - lr * g.get(k));
        }
    }

    @Override
    public int uniqueRows(List<Tensor> ids, int bound, Tensor out) {
        java.util.TreeSet<Integer> seen = new java.util.TreeSet<>();
        for (Tensor x : ids) {
            int[] v = toInts(x);
            for (int k = 0; k < v.length; k++) {
                if (v[k] < 0 || v[k] >= bound) {
                    throw new IndexOutOfBoundsException("uniqueRows: id " + v[k] + " at " + k + " outside [0, " + bound
                            + ")");
                }
                seen.add(v[k]);
            }
        }
        CpuTensor o = t(out);
        require(o.dtype == DType.I32 && o.size >= seen.size(), "uniqueRows: out too small for " + seen.size()
                + " rows", out);
        int n = 0;
        for (int id : seen) {
            o.set(n++, id);
        }
        return n;
    }
}
