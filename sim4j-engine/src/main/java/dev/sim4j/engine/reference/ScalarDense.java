package dev.sim4j.engine.reference;

import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.CpuTensor;
import dev.sim4j.engine.kernels.CounterRandom;
import dev.sim4j.engine.kernels.DenseKernels;
import dev.sim4j.engine.kernels.ScalarMath;
import dev.sim4j.engine.kernels.Shapes;
import java.util.List;

/**
 * The reference dense algebra: plain loops, every intermediate in double, each result rounded to the tensor's type
 * once.
 */
final class ScalarDense implements DenseKernels {
    @Override
    public void fill(Tensor x, double value) {
        CpuTensor c = CpuTensor.of(x);
        for (int k = 0; k < c.elements(); k++) {
            c.set(k, value);
        }
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        CpuTensor s = CpuTensor.of(src);
        CpuTensor o = CpuTensor.of(dst);
        Shapes.require(s.elements() == o.elements(), "copy", src, dst);
        for (int k = 0; k < s.elements(); k++) {
            o.set(k, s.get(k));
        }
    }

    @Override
    public void matmul(Tensor a, boolean ta, Tensor b, boolean tb, Tensor c, double beta) {
        Shapes.matmul(a, ta, b, tb, c);
        int m = ta ? a.dim(1) : a.dim(0);
        int k = ta ? a.dim(0) : a.dim(1);
        int n = tb ? b.dim(0) : b.dim(1);
        CpuTensor x = CpuTensor.of(a);
        CpuTensor y = CpuTensor.of(b);
        CpuTensor z = CpuTensor.of(c);
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
        CpuTensor a = CpuTensor.of(x);
        CpuTensor b = CpuTensor.of(v);
        int n = x.dim(-1);
        Shapes.require(v.size() == n, "addRowVector", x, v);
        for (int k = 0; k < a.elements(); k++) {
            a.set(k, a.get(k) + b.get(k % n));
        }
    }

    @Override
    public void sumRows(Tensor x, Tensor out, double beta) {
        CpuTensor a = CpuTensor.of(x);
        CpuTensor o = CpuTensor.of(out);
        int n = x.dim(-1);
        Shapes.require(out.size() == n, "sumRows", x, out);
        int m = Shapes.rowsOf(x);
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int r = 0; r < m; r++) {
                s += a.get(r * n + j);
            }
            o.set(j, (beta == 0 ? 0 : beta * o.get(j)) + s);
        }
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        Shapes.sameSize(a, b, "add");
        Shapes.sameSize(a, out, "add");
        CpuTensor x = CpuTensor.of(a);
        CpuTensor y = CpuTensor.of(b);
        CpuTensor o = CpuTensor.of(out);
        for (int k = 0; k < x.elements(); k++) {
            o.set(k, x.get(k) + y.get(k));
        }
    }

    @Override
    public void subtract(Tensor a, Tensor b, Tensor out) {
        Shapes.sameSize(a, b, "subtract");
        Shapes.sameSize(a, out, "subtract");
        CpuTensor x = CpuTensor.of(a);
        CpuTensor y = CpuTensor.of(b);
        CpuTensor o = CpuTensor.of(out);
        for (int k = 0; k < x.elements(); k++) {
            o.set(k, x.get(k) - y.get(k));
        }
    }

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        Shapes.sameSize(x, y, "axpy");
        CpuTensor a = CpuTensor.of(x);
        CpuTensor b = CpuTensor.of(y);
        for (int k = 0; k < a.elements(); k++) {
            b.set(k, b.get(k) + alpha * a.get(k));
        }
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        Shapes.sameSize(a, b, "mul");
        Shapes.sameSize(a, out, "mul");
        CpuTensor x = CpuTensor.of(a);
        CpuTensor y = CpuTensor.of(b);
        CpuTensor o = CpuTensor.of(out);
        for (int k = 0; k < x.elements(); k++) {
            o.set(k, x.get(k) * y.get(k));
        }
    }

    @Override
    public void mulRows(Tensor x, Tensor s, Tensor out) {
        Shapes.sameSize(x, out, "mulRows");
        int n = x.dim(-1);
        Shapes.require(s.size() == Shapes.rowsOf(x), "mulRows", x, s);
        CpuTensor a = CpuTensor.of(x);
        CpuTensor b = CpuTensor.of(s);
        CpuTensor o = CpuTensor.of(out);
        for (int k = 0; k < a.elements(); k++) {
            o.set(k, a.get(k) * b.get(k / n));
        }
    }

    @Override
    public void rowDot(Tensor a, Tensor b, Tensor out) {
        Shapes.sameSize(a, b, "rowDot");
        int n = a.dim(-1);
        int m = Shapes.rowsOf(a);
        Shapes.require(out.size() == m, "rowDot", a, out);
        CpuTensor x = CpuTensor.of(a);
        CpuTensor y = CpuTensor.of(b);
        CpuTensor o = CpuTensor.of(out);
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
        CpuTensor a = CpuTensor.of(x);
        for (int k = 0; k < a.elements(); k++) {
            a.set(k, a.get(k) * s);
        }
    }

    @Override
    public void sigmoid(Tensor x, Tensor y) {
        Shapes.sameSize(x, y, "sigmoid");
        CpuTensor a = CpuTensor.of(x);
        CpuTensor o = CpuTensor.of(y);
        for (int k = 0; k < a.elements(); k++) {
            o.set(k, ScalarMath.sigmoid(a.get(k)));
        }
    }

    @Override
    public void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        Shapes.sameSize(y, dy, "sigmoidBackward");
        Shapes.sameSize(y, dx, "sigmoidBackward");
        CpuTensor a = CpuTensor.of(y);
        CpuTensor g = CpuTensor.of(dy);
        CpuTensor o = CpuTensor.of(dx);
        for (int k = 0; k < a.elements(); k++) {
            double s = a.get(k);
            o.set(k, g.get(k) * s * (1 - s));
        }
    }

    @Override
    public void tanh(Tensor x, Tensor y) {
        Shapes.sameSize(x, y, "tanh");
        CpuTensor a = CpuTensor.of(x);
        CpuTensor o = CpuTensor.of(y);
        for (int k = 0; k < a.elements(); k++) {
            o.set(k, Math.tanh(a.get(k)));
        }
    }

    @Override
    public void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        Shapes.sameSize(y, dy, "tanhBackward");
        Shapes.sameSize(y, dx, "tanhBackward");
        CpuTensor a = CpuTensor.of(y);
        CpuTensor g = CpuTensor.of(dy);
        CpuTensor o = CpuTensor.of(dx);
        for (int k = 0; k < a.elements(); k++) {
            double s = a.get(k);
            o.set(k, g.get(k) * (1 - s * s));
        }
    }

    @Override
    public void prelu(Tensor x, Tensor alpha, Tensor y) {
        Shapes.sameSize(x, y, "prelu");
        int n = x.dim(-1);
        Shapes.require(alpha.size() == n, "prelu", x, alpha);
        CpuTensor a = CpuTensor.of(x);
        CpuTensor al = CpuTensor.of(alpha);
        CpuTensor o = CpuTensor.of(y);
        for (int k = 0; k < a.elements(); k++) {
            double v = a.get(k);
            o.set(k, v > 0 ? v : al.get(k % n) * v);
        }
    }

    @Override
    public void preluBackward(Tensor x, Tensor alpha, Tensor dy, Tensor dx, Tensor dAlpha) {
        Shapes.sameSize(x, dy, "preluBackward");
        Shapes.sameSize(x, dx, "preluBackward");
        int n = x.dim(-1);
        int m = Shapes.rowsOf(x);
        CpuTensor a = CpuTensor.of(x);
        CpuTensor al = CpuTensor.of(alpha);
        CpuTensor g = CpuTensor.of(dy);
        CpuTensor o = CpuTensor.of(dx);
        CpuTensor da = CpuTensor.of(dAlpha);
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int r = 0; r < m; r++) {
                int k = r * n + j;
                double v = a.get(k);
                s += g.get(k) * Math.min(v, 0);
            }
            da.set(j, da.get(j) + s);
        }
        for (int k = 0; k < a.elements(); k++) {
            double v = a.get(k);
            o.set(k, g.get(k) * (v > 0 ? 1 : al.get(k % n)));
        }
    }

    @Override
    public void concatColumns(List<Tensor> parts, Tensor out) {
        int m = Shapes.rowsOf(out);
        int n = out.dim(-1);
        int total = 0;
        for (Tensor p : parts) {
            Shapes.require(Shapes.rowsOf(p) == m, "concatColumns: rows differ", p, out);
            total += p.dim(-1);
        }
        Shapes.require(total == n, "concatColumns: widths do not add up", out);
        CpuTensor o = CpuTensor.of(out);
        int col = 0;
        for (Tensor p : parts) {
            CpuTensor s = CpuTensor.of(p);
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
        int m = Shapes.rowsOf(in);
        int n = in.dim(-1);
        CpuTensor s = CpuTensor.of(in);
        int col = 0;
        for (Tensor p : parts) {
            Shapes.require(Shapes.rowsOf(p) == m, "splitColumns: rows differ", in, p);
            CpuTensor o = CpuTensor.of(p);
            int w = p.dim(-1);
            for (int r = 0; r < m; r++) {
                for (int j = 0; j < w; j++) {
                    double v = s.get(r * n + col + j);
                    o.set(r * w + j, accumulate ? o.get(r * w + j) + v : v);
                }
            }
            col += w;
        }
        Shapes.require(col == n, "splitColumns: widths do not add up", in);
    }

    @Override
    public void transpose01(Tensor x, Tensor out) {
        Shapes.require(x.rank() == 3 && out.rank() == 3 && x.dim(0) == out.dim(1) && x.dim(1) == out.dim(0)
                && x.dim(2) == out.dim(2), "transpose01", x, out);
        int a = x.dim(0);
        int b = x.dim(1);
        int d = x.dim(2);
        CpuTensor s = CpuTensor.of(x);
        CpuTensor o = CpuTensor.of(out);
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                for (int k = 0; k < d; k++) {
                    o.set((j * a + i) * d + k, s.get((i * b + j) * d + k));
                }
            }
        }
    }

    @Override
    public void dropoutMask(long seed, long salt, Tensor step, double rate, Tensor mask) {
        Shapes.dropoutMask(step, rate);
        int at = CpuTensor.of(step).getInt(0);
        CpuTensor o = CpuTensor.of(mask);
        for (int k = 0; k < o.elements(); k++) {
            o.set(k, CounterRandom.dropoutValue(seed, salt, at, k, rate));
        }
    }

    @Override
    public void maskedMeanWeights(Tensor mask, Tensor weights) {
        Shapes.maskedMeanWeights(mask, weights);
        int k = mask.dim(-1);
        int b = Shapes.rowsOf(mask);
        CpuTensor m = CpuTensor.of(mask);
        CpuTensor w = CpuTensor.of(weights);
        for (int i = 0; i < b; i++) {
            double count = 0;
            for (int j = 0; j < k; j++) {
                count += m.get(i * k + j);
            }
            // Rounded to the tensor's type first, as the host round trip it replaced uploaded it.
            double inv = 1.0 / (count + 1.0);
            if (w.dtype() == DType.F32) {
                inv = (float) inv;
            }
            for (int j = 0; j < k; j++) {
                w.set(i * k + j, m.get(i * k + j) * inv);
            }
        }
    }

    @Override
    public void broadcastOverTime(Tensor x, Tensor out) {
        Shapes.overTime(x, out, "broadcastOverTime");
        int b = out.dim(0);
        int t = out.dim(1);
        int n = out.dim(2);
        CpuTensor s = CpuTensor.of(x);
        CpuTensor o = CpuTensor.of(out);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                for (int c = 0; c < n; c++) {
                    o.set((i * t + j) * n + c, s.get(i * n + c));
                }
            }
        }
    }

    @Override
    public void sumOverTime(Tensor dOut, Tensor dX) {
        Shapes.overTime(dX, dOut, "sumOverTime");
        int b = dOut.dim(0);
        int t = dOut.dim(1);
        int n = dOut.dim(2);
        CpuTensor g = CpuTensor.of(dOut);
        CpuTensor o = CpuTensor.of(dX);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                for (int c = 0; c < n; c++) {
                    o.set(i * n + c, o.get(i * n + c) + g.get((i * t + j) * n + c));
                }
            }
        }
    }
}
