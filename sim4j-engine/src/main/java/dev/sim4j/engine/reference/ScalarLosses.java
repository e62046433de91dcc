package dev.sim4j.engine.reference;

import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.CpuTensor;
import dev.sim4j.engine.kernels.LossKernels;
import dev.sim4j.engine.kernels.ScalarMath;
import dev.sim4j.engine.kernels.Shapes;

/** The reference losses: the mean in double, in order, written into a one-element device tensor. */
final class ScalarLosses implements LossKernels {
    /** loss[0] = (accumulate ? loss[0] : 0) + lossWeight * mean, computed in double and stored once. */
    static void store(Tensor loss, double mean, double lossWeight, boolean accumulate) {
        CpuTensor l = CpuTensor.of(loss);
        l.set(0, (accumulate ? l.get(0) : 0) + lossWeight * mean);
    }

    @Override
    public void binaryCrossEntropy(Tensor logits, Tensor labels, Tensor dLogits, double gradScale, Tensor lossScale,
                                   Tensor loss, double lossWeight, boolean accumulate) {
        Shapes.binaryCrossEntropy(logits, labels, dLogits, loss);
        CpuTensor x = CpuTensor.of(logits);
        CpuTensor y = CpuTensor.of(labels);
        CpuTensor g = CpuTensor.of(dLogits);
        int n = x.elements();
        double sum = 0;
        for (int k = 0; k < n; k++) {
            double z = x.get(k);
            double l = y.get(k);
            // log(1 + exp(-|z|)) + max(z, 0) - z l: the stable form of -l log s - (1 - l) log(1 - s).
            sum += Math.max(z, 0) - z * l + Math.log1p(Math.exp(-Math.abs(z)));
            g.set(k, scaled(gradScale * (ScalarMath.sigmoid(z) - l) / n, lossScale));
        }
        store(loss, sum / n, lossWeight, accumulate);
    }

    @Override
    public void auxiliaryLoss(Tensor click, Tensor noClick, Tensor mask, Tensor dClick, Tensor dNoClick,
                              double gradScale, Tensor lossScale, Tensor loss, double lossWeight,
                              boolean accumulate) {
        Shapes.auxiliaryLoss(click, noClick, mask, dClick, dNoClick, loss);
        CpuTensor c = CpuTensor.of(click);
        CpuTensor nc = CpuTensor.of(noClick);
        CpuTensor m = CpuTensor.of(mask);
        CpuTensor dc = CpuTensor.of(dClick);
        CpuTensor dn = CpuTensor.of(dNoClick);
        int n = c.elements();
        double sum = 0;
        for (int k = 0; k < n; k++) {
            double mk = m.get(k);
            double sc = ScalarMath.sigmoid(c.get(k));
            double sn = ScalarMath.sigmoid(nc.get(k));
            double pc = sc + 1e-6;
            double pn = 1 - (sn + 1e-6);
            sum += mk * (-Math.log(pc) - Math.log(pn));
            dc.set(k, scaled(gradScale * mk * (-sc * (1 - sc) / pc) / n, lossScale));
            dn.set(k, scaled(gradScale * mk * (sn * (1 - sn) / pn) / n, lossScale));
        }
        store(loss, sum / n, lossWeight, accumulate);
    }

    /** A gradient times the loss scale (null: unscaled), in double. */
    static double scaled(double gradient, Tensor lossScale) {
        if (lossScale == null) {
            return gradient;
        }
        Shapes.scalar(lossScale, "the loss scale");
        return gradient * CpuTensor.of(lossScale).get(0);
    }

    @Override
    public void sum(Tensor x, Tensor out) {
        Shapes.scalar(out, "sum");
        CpuTensor a = CpuTensor.of(x);
        double s = 0;
        for (int k = 0; k < a.elements(); k++) {
            s += a.get(k);
        }
        CpuTensor.of(out).set(0, s);
    }
}
