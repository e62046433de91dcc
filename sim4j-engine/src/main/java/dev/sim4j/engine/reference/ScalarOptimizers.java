package dev.sim4j.engine.reference;

import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.CpuTensor;
import dev.sim4j.engine.kernels.OptimizerKernels;
import dev.sim4j.engine.kernels.ScalarMath;
import dev.sim4j.engine.kernels.Shapes;

/** The reference optimizer updates: Adam as TensorFlow's ResourceApplyAdam, SGD, and the step counter. */
final class ScalarOptimizers implements OptimizerKernels {
    @Override
    public void sgdUpdate(Tensor param, Tensor grad, double lr, double weightDecay, Tensor apply) {
        Shapes.require(grad.size() == param.size(), "sgdUpdate", param, grad);
        if (skipped(apply)) {
            return;
        }
        CpuTensor p = CpuTensor.of(param);
        CpuTensor g = CpuTensor.of(grad);
        for (int k = 0; k < p.elements(); k++) {
            double x = p.get(k);
            if (weightDecay != 0) {
                x -= lr * weightDecay * x;
            }
            p.set(k, x - lr * g.get(k));
        }
    }

    @Override
    public void increment(Tensor counter, Tensor apply) {
        Shapes.scalar(counter, "increment");
        if (skipped(apply)) {
            return;
        }
        CpuTensor c = CpuTensor.of(counter);
        c.set(0, c.getInt(0) + 1);
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                           double epsilon, double weightDecay, Tensor step, Tensor apply) {
        Shapes.adamUpdate(param, grad, m, v, step);
        if (skipped(apply)) {
            return;
        }
        adamElements(CpuTensor.of(param), CpuTensor.of(grad), CpuTensor.of(m), CpuTensor.of(v), 0,
                (int) param.size(), lr, beta1, beta2, epsilon, weightDecay, CpuTensor.of(step).getInt(0));
    }

    @Override
    public void adamUpdateRows(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor rows, Tensor count, double lr,
                               double beta1, double beta2, double epsilon, double weightDecay, Tensor step,
                               Tensor apply) {
        Shapes.adamUpdateRows(param, grad, m, v, count, step);
        if (skipped(apply)) {
            return;
        }
        CpuTensor r = CpuTensor.of(rows);
        int n = CpuTensor.of(count).getInt(0);
        Shapes.require(n >= 0 && n <= r.elements(), "adamUpdateRows: count " + n + " outside the rows", rows);
        int[] listed = new int[n];
        for (int k = 0; k < n; k++) {
            listed[k] = r.getInt(k);
        }
        Shapes.checkRows(listed, 0, n, param.dim(0));
        int e = param.dim(1);
        int t = CpuTensor.of(step).getInt(0);
        for (int row : listed) {
            adamElements(CpuTensor.of(param), CpuTensor.of(grad), CpuTensor.of(m), CpuTensor.of(v), row * e,
                    row * e + e, lr, beta1, beta2, epsilon, weightDecay, t);
        }
    }

    /** Whether a gated update is skipped: apply given and holding 0. */
    static boolean skipped(Tensor apply) {
        if (apply == null) {
            return false;
        }
        Shapes.scalar(apply, "the update's apply flag");
        return CpuTensor.of(apply).getInt(0) == 0;
    }

    @Override
    public void unscaleGradients(Tensor grad, Tensor scale, Tensor finite) {
        Shapes.scalar(scale, "unscaleGradients (scale)");
        Shapes.scalar(finite, "unscaleGradients (finite)");
        CpuTensor g = CpuTensor.of(grad);
        float reciprocal = 1f / (float) CpuTensor.of(scale).get(0);
        boolean allFinite = true;
        for (int k = 0; k < g.elements(); k++) {
            float x = (float) g.get(k) * reciprocal;
            g.set(k, x);
            allFinite &= Float.isFinite(x);
        }
        if (!allFinite) {
            CpuTensor.of(finite).set(0, 0);
        }
    }

    @Override
    public void updateLossScale(Tensor scale, Tensor goodSteps, Tensor finite, int growthSteps) {
        Shapes.scalar(scale, "updateLossScale (scale)");
        Shapes.scalar(goodSteps, "updateLossScale (goodSteps)");
        Shapes.scalar(finite, "updateLossScale (finite)");
        CpuTensor s = CpuTensor.of(scale);
        CpuTensor good = CpuTensor.of(goodSteps);
        CpuTensor f = CpuTensor.of(finite);
        if (f.getInt(0) != 0) {
            float count = (float) good.get(0) + 1;
            if (count >= growthSteps) {
                float grown = (float) s.get(0) * 2;
                if (Float.isFinite(grown)) {
                    s.set(0, grown);
                }
                count = 0;
            }
            good.set(0, count);
        } else {
            s.set(0, Math.max((float) s.get(0) / 2, 1f));
            good.set(0, 0);
        }
        f.set(0, 1);
    }

    private static void adamElements(CpuTensor p, CpuTensor g, CpuTensor m, CpuTensor v, int from, int to, double lr,
                                     double beta1, double beta2, double epsilon, double weightDecay, long step) {
        double lrT = ScalarMath.adamStepSize(lr, beta1, beta2, step);
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
}
