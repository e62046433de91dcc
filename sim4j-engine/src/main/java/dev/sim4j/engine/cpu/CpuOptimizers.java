package dev.sim4j.engine.cpu;

import static dev.sim4j.engine.cpu.CpuArrays.f32;
import static dev.sim4j.engine.cpu.CpuArrays.i32;

import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.simd.AdamKernel;
import dev.sim4j.engine.kernels.OptimizerKernels;
import dev.sim4j.engine.kernels.ScalarMath;
import dev.sim4j.engine.kernels.Shapes;

/**
 * The CPU backend's optimizer updates: Adam through the Vector API kernel {@link AdamKernel} with TensorFlow's float32
 * rounding, SGD with one FMA per element, and the step counter.
 */
final class CpuOptimizers implements OptimizerKernels {
    private final CpuParallel par;

    CpuOptimizers(CpuParallel par) {
        this.par = par;
    }

    /** Adam's per-step scalars, each rounded to float once, as TensorFlow's float32 kernel holds them. */
    private record AdamCoefficients(float stepSize, float decay, float oneMinusBeta1, float oneMinusBeta2,
                                    float epsilon) {
        static AdamCoefficients of(double lr, double beta1, double beta2, double epsilon, double weightDecay,
                                   long step) {
            return new AdamCoefficients((float) ScalarMath.adamStepSize(lr, beta1, beta2, step),
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
    public void sgdUpdate(Tensor param, Tensor grad, double lr, double weightDecay, Tensor apply) {
        Shapes.sameSize(grad, param, "sgdUpdate");
        if (skipped(apply)) {
            return;
        }
        CpuTensor g = f32(grad);
        CpuTensor p = f32(param);
        float al = (float) -lr;
        float d = (float) -(lr * weightDecay);
        boolean decay = weightDecay != 0;
        // The same chunks as every elementwise kernel (WORK elements), so the split is the shape's alone.
        par.forChunks(g.size, CpuParallel.WORK, (lo, hi) -> {
            float[] gr = g.f;
            float[] o = p.f;
            int go = g.offset + lo;
            int oo = p.offset + lo;
            int n = hi - lo;
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

    @Override
    public void increment(Tensor counter, Tensor apply) {
        Shapes.scalar(counter, "increment");
        if (skipped(apply)) {
            return;
        }
        CpuTensor c = i32(counter);
        c.i[c.offset]++;
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                           double epsilon, double weightDecay, Tensor step, Tensor apply) {
        Shapes.adamUpdate(param, grad, m, v, step);
        if (skipped(apply)) {
            return;
        }
        CpuTensor p = f32(param);
        CpuTensor g = f32(grad);
        CpuTensor mm = f32(m);
        CpuTensor vv = f32(v);
        AdamCoefficients c = AdamCoefficients.of(lr, beta1, beta2, epsilon, weightDecay, i32(step).getInt(0));
        par.forChunks(p.size, CpuParallel.WORK, (lo, hi) -> adamRange(p.f, p.offset + lo, g.f, g.offset + lo, mm.f,
                mm.offset + lo, vv.f, vv.offset + lo, hi - lo, c));
    }

    @Override
    public void adamUpdateRows(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor rows, Tensor count, double lr,
                               double beta1, double beta2, double epsilon, double weightDecay, Tensor step,
                               Tensor apply) {
        Shapes.adamUpdateRows(param, grad, m, v, count, step);
        if (skipped(apply)) {
            return;
        }
        CpuTensor p = f32(param);
        CpuTensor g = f32(grad);
        CpuTensor mm = f32(m);
        CpuTensor vv = f32(v);
        CpuTensor r = i32(rows);
        int n = i32(count).getInt(0);
        Shapes.require(n >= 0 && n <= r.size, "adamUpdateRows: count " + n + " outside the rows", rows);
        Shapes.checkRows(r.i, r.offset, n, param.dim(0));
        int e = param.dim(1);
        AdamCoefficients c = AdamCoefficients.of(lr, beta1, beta2, epsilon, weightDecay, i32(step).getInt(0));
        par.forChunks(n, CpuParallel.rowGrain(e), (lo, hi) -> {
            for (int k = lo; k < hi; k++) {
                int at = r.i[r.offset + k] * e;
                adamRange(p.f, p.offset + at, g.f, g.offset + at, mm.f, mm.offset + at, vv.f, vv.offset + at, e, c);
            }
        });
    }

    /** Whether a gated update is skipped: apply given and holding 0. */
    private static boolean skipped(Tensor apply) {
        if (apply == null) {
            return false;
        }
        Shapes.scalar(apply, "the update's apply flag");
        return i32(apply).getInt(0) == 0;
    }

    @Override
    public void unscaleGradients(Tensor grad, Tensor scale, Tensor finite) {
        Shapes.scalar(scale, "unscaleGradients (scale)");
        Shapes.scalar(finite, "unscaleGradients (finite)");
        CpuTensor g = f32(grad);
        CpuTensor s = f32(scale);
        float reciprocal = 1f / s.f[s.offset];
        boolean allFinite = true;
        for (int k = 0; k < g.size; k++) {
            float x = g.f[g.offset + k] * reciprocal;
            g.f[g.offset + k] = x;
            allFinite &= Float.isFinite(x);
        }
        if (!allFinite) {
            CpuTensor f = i32(finite);
            f.i[f.offset] = 0;
        }
    }

    @Override
    public void updateLossScale(Tensor scale, Tensor goodSteps, Tensor finite, int growthSteps) {
        Shapes.scalar(scale, "updateLossScale (scale)");
        Shapes.scalar(goodSteps, "updateLossScale (goodSteps)");
        Shapes.scalar(finite, "updateLossScale (finite)");
        CpuTensor s = f32(scale);
        CpuTensor good = f32(goodSteps);
        CpuTensor f = i32(finite);
        if (f.i[f.offset] != 0) {
            float count = good.f[good.offset] + 1;
            if (count >= growthSteps) {
                float grown = s.f[s.offset] * 2;
                if (Float.isFinite(grown)) {
                    s.f[s.offset] = grown;
                }
                count = 0;
            }
            good.f[good.offset] = count;
        } else {
            s.f[s.offset] = Math.max(s.f[s.offset] / 2, 1f);
            good.f[good.offset] = 0;
        }
        f.i[f.offset] = 1;
    }
}
