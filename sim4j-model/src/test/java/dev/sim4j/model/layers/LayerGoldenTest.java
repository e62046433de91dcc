package dev.sim4j.model.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.reference.ScalarBackend;
import dev.sim4j.model.init.ParameterFactory;
import dev.sim4j.model.loss.AuxiliaryLoss;
import dev.sim4j.model.params.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed cases of the reference's corner rules. */
class LayerGoldenTest {
    private final Backend be = new ScalarBackend(DType.F64);

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void dotAttentionAllMaskedRowGetsUniformWeightsAndZeroOutput() {
        // row 0: keys (1,0), (0,2), masked third; query (1,1) -> scores 1, 2 -> softmax over the two live ones
        // row 1: every position masked and its keys zero (the model masks history vectors) -> 1/3 each, output 0
        Tensor keys = be.upload(new double[] {1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0}, 2, 3, 2);
        Tensor query = be.upload(new double[] {1, 1, 5, -3}, 2, 2);
        Tensor mask = be.upload(new double[] {1, 1, 0, 0, 0, 0}, 2, 3);
        DotAttention.Result r = new DotAttention(be).forward(keys, query, mask);
        double e1 = Math.exp(1);
        double e2 = Math.exp(2);
        double a0 = e1 / (e1 + e2);
        double a1 = e2 / (e1 + e2);
        assertArrayEquals(new double[] {a0, a1, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3}, be.toDoubles(r.weights()), 1e-15);
        assertArrayEquals(new double[] {a0, 2 * a1, 0, 0}, be.toDoubles(r.output()), 1e-15);
    }

    @Test
    void topKTakesLargestWeightsLowerPositionFirstAndMasksNonPositive() {
        // weights 0.5, 0, 0.3, 0, 0.2, 0.3 ; k = 5 -> positions 0, 2, 5 (tie 0.3: lower first), 4, 1 (tie 0: lower)
        Tensor w = be.upload(new double[] {0.5, 0, 0.3, 0, 0.2, 0.3, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6},
                2, 6);
        Tensor values = be.upload(new double[] {10, 11, 12, 13, 14, 15, 0, 0, 0, 0, 0, 0}, 2, 6, 1);
        TopKSelection.Selection s = new TopKSelection(be, 5).forward(w, values);
        assertArrayEquals(new int[] {0, 2, 5, 4, 1, 0, 1, 2, 3, 4}, be.toInts(s.indices()));
        assertArrayEquals(new double[] {10, 12, 15, 14, 11, 0, 0, 0, 0, 0}, be.toDoubles(s.values()), 0);
        // mask = (weight > 0): the padded position 1 is selected but masked; an empty history's uniform row is all on
        assertArrayEquals(new double[] {1, 1, 1, 1, 0, 1, 1, 1, 1, 1}, be.toDoubles(s.mask()), 0);
    }

    @Test
    void maskedMeanDividesByCountPlusOne() {
        Tensor x = be.upload(new double[] {1, 2, 3, 4, 100, 100, 5, 6, 7, 8, 9, 10}, 2, 3, 2);
        Tensor mask = be.upload(new double[] {1, 1, 0, 0, 0, 0}, 2, 3);
        Tensor out = new MaskedMean(be).forward(x, mask);
        // row 0: (1+3, 2+4) / (2 + 1); row 1: nothing selected -> 0 / (0 + 1)
        assertArrayEquals(new double[] {4.0 / 3, 6.0 / 3, 0, 0}, be.toDoubles(out), 1e-15);
    }

    @Test
    void auxiliaryLossDividesByAllEntriesIncludingMasked() {
        // All aux MLP weights zero and output bias beta: every logit is beta, so each live entry costs
        // -log(sigmoid(beta) + 1e-6) - log(1 - sigmoid(beta) - 1e-6); masked ones cost 0 but count in the mean.
        ParameterFactory f = new ParameterFactory(be, 1);
        AuxiliaryLoss aux = new AuxiliaryLoss(f, "aux_mlp", 3, 2, List.of(4, 2));
        double beta = 0.7;
        for (Parameter p : f.parameters().all()) {
            be.fill(p.value(), p.name().equals("aux_mlp.output.bias") ? beta : 0);
        }
        int b = 2;
        int t = 10;
        double[] m = new double[b * t];
        // row 0: 4 real items (positions 6..9); row 1: all 10 real
        for (int k = 6; k < 10; k++) {
            m[k] = 1;
        }
        for (int k = 10; k < 20; k++) {
            m[k] = 1;
        }
        Tensor mask = be.upload(m, b, t);
        Tensor states = be.upload(new double[b * t * 3], b, t, 3);
        Tensor items = be.upload(new double[b * t * 2], b, t, 2);
        Tensor lossTensor = be.zeros(be.floatType(), 1);
        aux.forward(states, items, items, mask, 1.0, null, lossTensor, 1.0, false);
        double loss = be.toDoubles(lossTensor)[0];
        double per = -Math.log(sigmoid(beta) + 1e-6) - Math.log(1 - sigmoid(beta) - 1e-6);
        // live entries use mask[t+1], t = 0..8: row 0 -> positions 6..9 = 4, row 1 -> positions 1..9 = 9
        assertEquals((4 + 9) * per / (b * 9), loss, 1e-14);
    }

    @Test
    void augruCodeAndPaperFormsByHand() {
        // H = 1, two steps; gates kernel rows [x; s], columns [r, u]; candidate kernel rows [x; r s].
        double[] wg = {0.5, -0.4, 0.3, 0.8};
        double[] bg = {1.0, 1.0};
        double[] wc = {0.9, -0.6};
        double[] bc = {0.1};
        double[] x = {0.7, -1.2};
        double[] a = {0.3, 0.8};
        for (AugruForm form : AugruForm.values()) {
            ParameterFactory f = new ParameterFactory(be, 1);
            AuGru augru = new AuGru(f, "augru", 1, form);
            be.write(f.parameters().get("augru.gates.kernel").value(), wg);
            be.write(f.parameters().get("augru.gates.bias").value(), bg);
            be.write(f.parameters().get("augru.candidate.kernel").value(), wc);
            be.write(f.parameters().get("augru.candidate.bias").value(), bc);
            double s = 0;
            for (int t = 0; t < 2; t++) {
                double r = sigmoid(wg[0] * x[t] + wg[2] * s + bg[0]);
                double u = sigmoid(wg[1] * x[t] + wg[3] * s + bg[1]);
                double c = Math.tanh(wc[0] * x[t] + wc[1] * r * s + bc[0]);
                if (form == AugruForm.CODE) {
                    double u2 = (1 - a[t]) * u;
                    s = u2 * s + (1 - u2) * c;
                } else {
                    double u2 = a[t] * u;
                    s = (1 - u2) * s + u2 * c;
                }
            }
            Tensor out = augru.forward(be.upload(x, 1, 2, 1), be.upload(a, 1, 2));
            assertEquals(s, be.toDoubles(out)[0], 1e-15, form.name());
        }
        // first step alone, from s = 0: code form gives (1 - (1 - a) u) c, paper form gives a u c
        double u = sigmoid(wg[1] * x[0] + bg[1]);
        double c = Math.tanh(wc[0] * x[0] + bc[0]);
        for (AugruForm form : AugruForm.values()) {
            ParameterFactory f = new ParameterFactory(be, 1);
            AuGru augru = new AuGru(f, "augru", 1, form);
            be.write(f.parameters().get("augru.gates.kernel").value(), wg);
            be.write(f.parameters().get("augru.candidate.kernel").value(), wc);
            be.write(f.parameters().get("augru.candidate.bias").value(), bc);
            double expected = form == AugruForm.CODE ? (1 - (1 - a[0]) * u) * c : a[0] * u * c;
            Tensor out = augru.forward(be.upload(new double[] {x[0]}, 1, 1, 1), be.upload(new double[] {a[0]}, 1, 1));
            assertEquals(expected, be.toDoubles(out)[0], 1e-15, form.name() + " one step");
        }
    }

    @Test
    void gruOneStepByHand() {
        // D = 1, H = 1: z = sigmoid(x wz + bz + h uz + bz'), ... from h0 = 0, so h1 = (1 - z) n
        ParameterFactory f = new ParameterFactory(be, 1);
        Gru gru = new Gru(f, "gru", 1, 1);
        be.write(f.parameters().get("gru.kernel").value(), new double[] {0.4, -0.7, 0.9});
        be.write(f.parameters().get("gru.bias").value(), new double[] {0.1, 0.2, 0.3, -0.1, 0.05, 0.25});
        double x = 0.6;
        double z = sigmoid(0.4 * x + 0.1 - 0.1);
        double r = sigmoid(-0.7 * x + 0.2 + 0.05);
        double n = Math.tanh(0.9 * x + 0.3 + r * 0.25);
        Tensor h = gru.forward(be.upload(new double[] {x}, 1, 1, 1));
        assertEquals((1 - z) * n, be.toDoubles(h)[0], 1e-15);
    }

    @Test
    void dropoutIsDeterministicAndScalesKeptUnits() {
        double[] ones = new double[200];
        java.util.Arrays.fill(ones, 1);
        Tensor x = be.upload(ones, 20, 10);
        System.out.println("dropout: seed 99");
        Dropout d1 = new Dropout(be, 0.25, 99);
        Dropout d2 = new Dropout(be, 0.25, 99);
        Tensor step = be.upload(new int[] {1}, 1);
        double[] y1 = be.toDoubles(d1.forward(x, true, step, 0));
        double[] y2 = be.toDoubles(d2.forward(x, true, step, 0));
        assertArrayEquals(y1, y2, 0);
        // Another step or another pass of the step (salt) draws another mask.
        Tensor step2 = be.upload(new int[] {2}, 1);
        assertFalse(java.util.Arrays.equals(y1, be.toDoubles(new Dropout(be, 0.25, 99).forward(x, true, step2, 0))));
        assertFalse(java.util.Arrays.equals(y1, be.toDoubles(new Dropout(be, 0.25, 99).forward(x, true, step, 1))));
        int kept = 0;
        for (double v : y1) {
            if (v != 0) {
                assertEquals(1 / 0.75, v, 1e-15);
                kept++;
            }
        }
        System.out.println("dropout kept " + kept + " of 200 at rate 0.25");
        // backward uses the same mask
        assertArrayEquals(y1, be.toDoubles(d1.backward(x)), 0);
        // disabled by default (rate < 0) and at inference
        assertArrayEquals(ones, be.toDoubles(new Dropout(be, -1, 99).forward(x, true, step, 0)), 0);
        assertArrayEquals(ones, be.toDoubles(d1.forward(x, false, null, 0)), 0);
        // Training with dropout needs the trainer's step counter.
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> new Dropout(be, 0.25, 99).forward(x, true, null, 0));
    }

    @Test
    void emptyLongHistoryGivesZeroEsuOutputs() {
        // GSU over 90 masked zero vectors: weights 1/90 each (> 0), so the top-50 mask is all true over zero vectors
        int l = 90;
        int k = 50;
        Tensor longHistory = be.upload(new double[l * 4], 1, l, 4);
        Tensor mask = be.upload(new double[l], 1, l);
        Tensor target = be.upload(new double[] {0.3, -0.2, 0.5, 0.1}, 1, 4);
        DotAttention.Result gsu = new DotAttention(be).forward(longHistory, target, mask);
        for (double w : be.toDoubles(gsu.weights())) {
            assertEquals(1.0 / l, w, 1e-15);
        }
        assertArrayEquals(new double[4], be.toDoubles(gsu.output()), 0);
        TopKSelection.Selection sel = new TopKSelection(be, k).forward(gsu.weights(), longHistory);
        double[] ones = new double[k];
        java.util.Arrays.fill(ones, 1);
        assertArrayEquals(ones, be.toDoubles(sel.mask()), 0);
        int[] first = new int[k];
        for (int j = 0; j < k; j++) {
            first[j] = j;
        }
        assertArrayEquals(first, be.toInts(sel.indices()));
        assertArrayEquals(new double[4], be.toDoubles(new DotAttention(be).forward(sel.values(), target, sel.mask())
                .output()), 0);
        assertArrayEquals(new double[4], be.toDoubles(new MaskedMean(be).forward(sel.values(), sel.mask())), 0);
    }
}
