package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The losses and sum of {@link CudaLosses} (ADR 0006: the loss written into one element of a device tensor, with a
 * weight and an accumulate flag) against the reference's returned double, and their gradients against the
 * reference's, for N = 1, 7, 1021, 4099, 131072; the loss slot is the middle element of a three-element tensor, so a
 * write beside it fails. Every reduction is run twice and required bit-identical. Skips without a GPU;
 * {@code -Dsim4j.seed=N} repeats a seed.
 */
class CudaLossesTest {
    static final double ELEM = 1e-6;
    static final long SEED = Long.getLong("sim4j.seed", 20261203L);
    static final int[] SIZES = {1, 7, 17, 1021, 4099, 131072};
    /** One float rounding of the result (half an ulp is 6e-8 relative), plus double-order noise. */
    static final double ONE_ROUNDING = 1.2e-7;
    /** Two roundings: an accumulated loss stores the first term as float before adding the second. */
    static final double TWO_ROUNDINGS = 2.5e-7;

    /** A three-element loss tensor [11, before, 33] on the GPU; the op writes its middle element. */
    private static final class Slot {
        final Tensor whole;
        final Tensor one;

        Slot(CudaTwins h, float before) {
            whole = h.gpu.upload(new float[] {11f, before, 33f}, 3);
            one = whole.rows(1, 2);
        }

        float value(CudaTwins h, String what) {
            float[] v = h.gpu.toFloats(whole);
            assertThat(v[0]).as(what + " left neighbour").isEqualTo(11f);
            assertThat(v[2]).as(what + " right neighbour").isEqualTo(33f);
            return v[1];
        }
    }

    private static void near(float got, double want, double rtol, double atol, String what) {
        assertThat(Math.abs(got - want)).as(what + ": " + got + " for " + want)
                .isLessThanOrEqualTo(rtol * Math.abs(want) + atol);
    }

    /**
     * Checks the weight and accumulate contract of one loss: {@code op(slot, weight, accumulate)} writes it into
     * slot; want is the reference's mean.
     */
    private static void checkContract(CudaTwins h, double want, LossOp op, String what) {
        Slot plain = new Slot(h, Float.NaN);
        op.run(plain.one, 1.0, false);
        float got = plain.value(h, what);
        near(got, want, ONE_ROUNDING, 1e-30, what + " weight 1");
        // Determinism: the same inputs give the same bits.
        op.run(plain.one, 1.0, false);
        assertThat(Float.floatToRawIntBits(plain.value(h, what))).as(what + " twice")
                .isEqualTo(Float.floatToRawIntBits(got));

        Slot halves = new Slot(h, Float.NaN);
        op.run(halves.one, 0.5, false);
        near(halves.value(h, what), 0.5 * want, ONE_ROUNDING, 1e-30, what + " weight 0.5");
        op.run(halves.one, 0.5, true);
        near(halves.value(h, what), want, TWO_ROUNDINGS, 1e-30, what + " 0.5 twice accumulated");

        Slot onto = new Slot(h, 22f);
        op.run(onto.one, 0.25, true);
        near(onto.value(h, what), 22.0 + 0.25 * want, ONE_ROUNDING, 1e-30, what + " accumulated onto 22");
        Slot ignored = new Slot(h, 22f);
        op.run(ignored.one, 0.25, false);
        near(ignored.value(h, what), 0.25 * want, ONE_ROUNDING, 1e-30, what + " overwriting 22");
    }

    /** One loss call on the GPU, writing into {@code loss} with the given weight and accumulate flag. */
    @FunctionalInterface
    private interface LossOp {
        void run(Tensor loss, double weight, boolean accumulate);
    }

    /** Runs op twice on the GPU and requires bit-identical contents of out. */
    private static void deterministic(CudaTwins h, CudaTwins.T out, Runnable op, String what) {
        op.run();
        float[] first = h.gpu.toFloats(out.on(h.gpu));
        op.run();
        float[] second = h.gpu.toFloats(out.on(h.gpu));
        for (int k = 0; k < first.length; k++) {
            if (Float.floatToRawIntBits(first[k]) != Float.floatToRawIntBits(second[k])) {
                throw new AssertionError(what + " not deterministic at " + k);
            }
        }
    }

    @Test
    void binaryCrossEntropy() {
        try (CudaTwins h = new CudaTwins(SEED)) {
            for (int n : SIZES) {
                CudaTwins.T logits = h.uniform(-30, 30, n);
                CudaTwins.T labels = h.mask(0.5, n);
                CudaTwins.T dLogits = h.output(n);
                double scale = 2.0 / 3.0;
                double want = refLoss(h, l -> h.ref.binaryCrossEntropy(logits.on(h.ref), labels.on(h.ref), dLogits.on(h.ref),
                        scale, l, 1, false));
                LossOp op = (loss, weight, accumulate) -> h.gpu.losses.binaryCrossEntropy(logits.on(h.gpu),
                        labels.on(h.gpu), dLogits.on(h.gpu), scale, loss, weight, accumulate);
                checkContract(h, want, op, "bce n=" + n);
                h.check(dLogits, ELEM, 1e-9, "bce gradient n=" + n);
                deterministic(h, dLogits, () -> op.run(new Slot(h, 0f).one, 1, false), "bce gradient n=" + n);
            }
        }
    }

    @Test
    void auxiliaryLoss() {
        try (CudaTwins h = new CudaTwins(SEED + 1)) {
            for (int n : SIZES) {
                CudaTwins.T click = h.uniform(-8, 8, n);
                CudaTwins.T noClick = h.uniform(-8, 8, n);
                CudaTwins.T mask = h.mask(0.8, n);
                CudaTwins.T dc = h.output(n);
                CudaTwins.T dn = h.output(n);
                double scale = 0.5;
                double want = refLoss(h, l -> h.ref.auxiliaryLoss(click.on(h.ref), noClick.on(h.ref), mask.on(h.ref),
                        dc.on(h.ref), dn.on(h.ref), scale, l, 1, false));
                LossOp op = (loss, weight, accumulate) -> h.gpu.losses.auxiliaryLoss(click.on(h.gpu),
                        noClick.on(h.gpu), mask.on(h.gpu), dc.on(h.gpu), dn.on(h.gpu), scale, loss, weight,
                        accumulate);
                checkContract(h, want, op, "auxiliaryLoss n=" + n);
                h.check(dc, ELEM, 1e-9, "auxiliaryLoss dClick n=" + n);
                h.check(dn, ELEM, 1e-9, "auxiliaryLoss dNoClick n=" + n);
                deterministic(h, dc, () -> op.run(new Slot(h, 0f).one, 1, false), "auxiliaryLoss dClick n=" + n);
                deterministic(h, dn, () -> op.run(new Slot(h, 0f).one, 1, false), "auxiliaryLoss dNoClick n=" + n);
            }
        }
    }

    @Test
    void sumIntoOneElement() {
        try (CudaTwins h = new CudaTwins(SEED + 2)) {
            for (int n : new int[] {1, 7, 17, 1021, 4099, 131072, 3_000_017}) {
                CudaTwins.T x = h.rand(n);
                double want = refLoss(h, l -> h.ref.sum(x.on(h.ref), l));
                Slot slot = new Slot(h, Float.NaN);
                h.gpu.losses.sum(x.on(h.gpu), slot.one);
                float got = slot.value(h, "sum n=" + n);
                near(got, want, ONE_ROUNDING, 1e-14 * n, "sum n=" + n);
                h.gpu.losses.sum(x.on(h.gpu), slot.one);
                assertThat(Float.floatToRawIntBits(slot.value(h, "sum n=" + n))).as("sum twice n=" + n)
                        .isEqualTo(Float.floatToRawIntBits(got));
            }
            // A whole tensor of any rank sums all its elements.
            CudaTwins.T m = h.rand(33, 17, 5);
            Slot slot = new Slot(h, 5f);
            h.gpu.losses.sum(m.on(h.gpu), slot.one);
            near(slot.value(h, "sum rank 3"), refLoss(h, l -> h.ref.sum(m.on(h.ref), l)), ONE_ROUNDING, 1e-12, "sum rank 3");
        }
    }

    /** The reference's loss (or sum) written into a one-element F64 tensor, read back. */
    private static double refLoss(CudaTwins h, java.util.function.Consumer<Tensor> op) {
        Tensor l = h.ref.zeros(dev.sim4j.engine.DType.F64, 1);
        op.accept(l);
        return h.ref.toDoubles(l)[0];
    }
}
