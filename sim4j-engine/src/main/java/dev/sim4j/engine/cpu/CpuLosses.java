package dev.sim4j.engine.cpu;

import static dev.sim4j.engine.cpu.CpuArrays.f32;

import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.kernels.LossKernels;
import dev.sim4j.engine.kernels.ScalarMath;
import dev.sim4j.engine.kernels.Shapes;

/**
 * The CPU backend's losses: sequential (N is the batch, thousands, and one fixed order is the simplest determinism
 * there is), the mean in double, written into a one-element tensor.
 */
final class CpuLosses implements LossKernels {
    /** loss[0] = (accumulate ? loss[0] : 0) + lossWeight * mean, computed in double and stored once. */
    private static void store(Tensor loss, double mean, double lossWeight, boolean accumulate) {
        CpuTensor l = f32(loss);
        l.f[l.offset] = (float) ((accumulate ? l.f[l.offset] : 0) + lossWeight * mean);
    }

    @Override
    public void binaryCrossEntropy(Tensor logits, Tensor labels, Tensor dLogits, double gradScale, Tensor lossScale,
                                   Tensor loss, double lossWeight, boolean accumulate) {
        Shapes.binaryCrossEntropy(logits, labels, dLogits, loss);
        double s = scaleOf(lossScale);
        CpuTensor x = f32(logits);
        CpuTensor y = f32(labels);
        CpuTensor g = f32(dLogits);
        int n = x.size;
        double sum = 0;
        for (int k = 0; k < n; k++) {
            double z = x.f[x.offset + k];
            double l = y.f[y.offset + k];
            sum += Math.max(z, 0) - z * l + Math.log1p(Math.exp(-Math.abs(z)));
            g.f[g.offset + k] = (float) (gradScale * (ScalarMath.sigmoid(z) - l) / n * s);
        }
        store(loss, sum / n, lossWeight, accumulate);
    }

    @Override
    public void auxiliaryLoss(Tensor click, Tensor noClick, Tensor mask, Tensor dClick, Tensor dNoClick,
                              double gradScale, Tensor lossScale, Tensor loss, double lossWeight,
                              boolean accumulate) {
        Shapes.auxiliaryLoss(click, noClick, mask, dClick, dNoClick, loss);
        double s = scaleOf(lossScale);
        CpuTensor c = f32(click);
        CpuTensor nc = f32(noClick);
        CpuTensor m = f32(mask);
        CpuTensor dc = f32(dClick);
        CpuTensor dn = f32(dNoClick);
        int n = c.size;
        double sum = 0;
        for (int k = 0; k < n; k++) {
            double mk = m.f[m.offset + k];
            double sc = ScalarMath.sigmoid(c.f[c.offset + k]);
            double sn = ScalarMath.sigmoid(nc.f[nc.offset + k]);
            double pc = sc + 1e-6;
            double pn = 1 - (sn + 1e-6);
            sum += mk * (-Math.log(pc) - Math.log(pn));
            dc.f[dc.offset + k] = (float) (gradScale * mk * (-sc * (1 - sc) / pc) / n * s);
            dn.f[dn.offset + k] = (float) (gradScale * mk * (sn * (1 - sn) / pn) / n * s);
        }
        store(loss, sum / n, lossWeight, accumulate);
    }

    /** The loss scale's value, 1 for none (null): a gradient times 1.0 is the gradient, bit for bit. */
    private static double scaleOf(Tensor lossScale) {
        if (lossScale == null) {
            return 1.0;
        }
        Shapes.scalar(lossScale, "the loss scale");
        CpuTensor t = f32(lossScale);
        return t.f[t.offset];
    }

    @Override
    public void sum(Tensor x, Tensor out) {
        Shapes.scalar(out, "sum");
        CpuTensor a = f32(x);
        double s = 0;
        for (int k = 0; k < a.size; k++) {
            s += a.f[a.offset + k];
        }
        CpuTensor o = f32(out);
        o.f[o.offset] = (float) s;
    }
}
