package dev.sim4j.engine.reference;

import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.CpuTensor;
import dev.sim4j.engine.kernels.OptimizerKernels;
import dev.sim4j.engine.kernels.ScalarMath;
import dev.sim4j.engine.kernels.Shapes;

/** The reference optimizer updates: Adam as TensorFlow's ResourceApplyAdam, SGD, and the step counter. */
final class ScalarOptimizers implements OptimizerKernels {
    @Override
    public void sgdUpdate(Tensor param, Tensor grad, double lr, double weightDecay) {
        Shapes.require(grad.size() == param.size(), "sgdUpdate", param, grad);
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
    public void increment(Tensor counter) {
        Shapes.scalar(counter, "increment");
        CpuTensor c = CpuTensor.of(counter);
        c.set(0, c.getInt(0) + 1);
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                           double epsilon, double weightDecay, Tensor step) {
        Shapes.adamUpdate(param, grad, m, v, step);
        adamElements(CpuTensor.of(param), CpuTensor.of(grad), CpuTensor.of(m), CpuTensor.of(v), 0,
                (int) param.size(), lr, beta1, beta2, epsilon, weightDecay, CpuTensor.of(step).getInt(0));
    }

    @Override
    public void adamUpdateRows(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor rows, Tensor count, double lr,
                               double beta1, double beta2, double epsilon, double weightDecay, Tensor step) {
        Shapes.adamUpdateRows(param, grad, m, v, count, step);
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
