package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.reference.ScalarBackend;
import dev.sim4j.model.init.ParameterFactory;
import dev.sim4j.model.loss.AuxiliaryLoss;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.testing.GradCheck;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of every layer's backward: inputs and every parameter, on ScalarBackend(F64). */
class LayerGradientTest {
    private final Backend be = new ScalarBackend(DType.F64);

    private static void zeroGrads(Backend be, ParameterFactory f) {
        for (Parameter p : f.parameters().all()) {
            be.fill(p.grad(), 0);
        }
    }

    private static GradCheck params(GradCheck gc, ParameterFactory f, SplittableRandom rng) {
        for (Parameter p : f.parameters().all()) {
            gc.sampled(p.name(), p.value(), p.grad(), 60, rng);
        }
        return gc;
    }

    private Tensor mask(double[] values, int... shape) {
        return be.upload(values, shape);
    }

    @Test
    void dense() {
        long seed = GradCheck.seed("dense", 11);
        SplittableRandom rng = new SplittableRandom(seed);
        ParameterFactory f = new ParameterFactory(be, seed);
        Dense d = new Dense(f, "d", 3, 5);
        be.write(d.bias().value(), new double[] {0.1, -0.2, 0.3, 0.05, -0.4});
        Tensor x = GradCheck.random(be, rng, 1, 4, 3);
        Tensor r = GradCheck.random(be, rng, 1, 4, 5);
        DoubleSupplier loss = () -> GradCheck.project(be, d.forward(x), r);
        loss.getAsDouble();
        Tensor dx = d.backward(r);
        params(new GradCheck(be, loss), f, rng).all("x", x, dx).verify("dense");
    }

    @Test
    void preluMlp() {
        long seed = GradCheck.seed("preluMlp", 12);
        SplittableRandom rng = new SplittableRandom(seed);
        ParameterFactory f = new ParameterFactory(be, seed);
        PReluMlp mlp = new PReluMlp(f, "mlp", 4, List.of(6, 3), -1);
        Tensor x = GradCheck.random(be, rng, 1, 5, 4);
        Tensor r = GradCheck.random(be, rng, 1, 5);
        DoubleSupplier loss = () -> GradCheck.project(be, mlp.forward(x, true, null, 0), r);
        loss.getAsDouble();
        Tensor dx = mlp.backward(r);
        params(new GradCheck(be, loss), f, rng).all("x", x, dx).verify("preluMlp");
    }

    @Test
    void auxMlp() {
        long seed = GradCheck.seed("auxMlp", 13);
        SplittableRandom rng = new SplittableRandom(seed);
        ParameterFactory f = new ParameterFactory(be, seed);
        AuxMlp mlp = new AuxMlp(f, "aux", 4, List.of(6, 3));
        Tensor x = GradCheck.random(be, rng, 1, 5, 4);
        Tensor r = GradCheck.random(be, rng, 1, 5);
        DoubleSupplier loss = () -> GradCheck.project(be, mlp.forward(x), r);
        loss.getAsDouble();
        Tensor dx = mlp.backward(r);
        params(new GradCheck(be, loss), f, rng).all("x", x, dx).verify("auxMlp");
    }

    @Test
    void dotAttention() {
        long seed = GradCheck.seed("dotAttention", 14);
        SplittableRandom rng = new SplittableRandom(seed);
        DotAttention att = new DotAttention(be);
        Tensor keys = GradCheck.random(be, rng, 1, 3, 5, 4);
        Tensor query = GradCheck.random(be, rng, 1, 3, 4);
        Tensor m = mask(new double[] {1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, 3, 5); // row 1 all masked
        Tensor r = GradCheck.random(be, rng, 1, 3, 4);
        DoubleSupplier loss = () -> GradCheck.project(be, att.forward(keys, query, m).output(), r);
        loss.getAsDouble();
        Tensor dKeys = Tensors.zeros(be, 3, 5, 4);
        Tensor dQuery = Tensors.zeros(be, 3, 4);
        att.backward(r, dKeys, dQuery);
        new GradCheck(be, loss).all("keys", keys, dKeys).all("query", query, dQuery).verify("dotAttention");
    }

    @Test
    void topKSelection() {
        long seed = GradCheck.seed("topKSelection", 15);
        SplittableRandom rng = new SplittableRandom(seed);
        TopKSelection topK = new TopKSelection(be, 4);
        Tensor w = be.upload(new double[] {0.3, 0, 0.1, 0.25, 0.05, 0.3, 0, 0, 0, 0, 0.6, 0.4, 0, 0}, 2, 7);
        Tensor values = GradCheck.random(be, rng, 1, 2, 7, 3);
        Tensor r = GradCheck.random(be, rng, 1, 2, 4, 3);
        DoubleSupplier loss = () -> GradCheck.project(be, topK.forward(w, values).values(), r);
        loss.getAsDouble();
        Tensor dValues = Tensors.zeros(be, 2, 7, 3);
        topK.backward(r, dValues);
        new GradCheck(be, loss).all("values", values, dValues).verify("topKSelection");
    }

    @Test
    void maskedMean() {
        long seed = GradCheck.seed("maskedMean", 16);
        SplittableRandom rng = new SplittableRandom(seed);
        MaskedMean mean = new MaskedMean(be);
        Tensor x = GradCheck.random(be, rng, 1, 2, 4, 3);
        Tensor m = mask(new double[] {1, 1, 0, 1, 0, 0, 0, 0}, 2, 4);
        Tensor r = GradCheck.random(be, rng, 1, 2, 3);
        DoubleSupplier loss = () -> GradCheck.project(be, mean.forward(x, m), r);
        loss.getAsDouble();
        Tensor dx = Tensors.zeros(be, 2, 4, 3);
        mean.backward(r, dx);
        new GradCheck(be, loss).all("x", x, dx).verify("maskedMean");
    }

    @Test
    void gru() {
        long seed = GradCheck.seed("gru", 17);
        SplittableRandom rng = new SplittableRandom(seed);
        ParameterFactory f = new ParameterFactory(be, seed);
        Gru gru = new Gru(f, "gru", 3, 5);
        Parameter bias = f.parameters().get("gru.bias");
        be.copy(GradCheck.random(be, rng, 0.5, 2, 15), bias.value());
        Tensor x = GradCheck.random(be, rng, 1, 2, 4, 3);
        Tensor r = GradCheck.random(be, rng, 1, 2, 4, 5);
        DoubleSupplier loss = () -> GradCheck.project(be, gru.forward(x), r);
        loss.getAsDouble();
        zeroGrads(be, f);
        Tensor dx = gru.backward(r);
        params(new GradCheck(be, loss), f, rng).all("x", x, dx).verify("gru");
    }

    @Test
    void dienAttention() {
        long seed = GradCheck.seed("dienAttention", 18);
        SplittableRandom rng = new SplittableRandom(seed);
        ParameterFactory f = new ParameterFactory(be, seed);
        DienAttention att = new DienAttention(f, "att", 4, 6);
        Tensor target = GradCheck.random(be, rng, 1, 2, 4);
        Tensor h = GradCheck.random(be, rng, 1, 2, 5, 6);
        Tensor m = mask(new double[] {0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, 2, 5);
        Tensor r = GradCheck.random(be, rng, 1, 2, 5);
        DoubleSupplier loss = () -> GradCheck.project(be, att.forward(target, h, m), r);
        loss.getAsDouble();
        Tensor dTarget = Tensors.zeros(be, 2, 4);
        Tensor dH = Tensors.zeros(be, 2, 5, 6);
        att.backward(r, dTarget, dH);
        params(new GradCheck(be, loss), f, rng).all("target", target, dTarget).all("h", h, dH).verify("dienAttention");
    }

    private void auGru(AugruForm form, long fixedSeed) {
        long seed = GradCheck.seed("auGru " + form, fixedSeed);
        SplittableRandom rng = new SplittableRandom(seed);
        ParameterFactory f = new ParameterFactory(be, seed);
        AuGru augru = new AuGru(f, "augru", 5, form);
        Tensor x = GradCheck.random(be, rng, 1, 2, 4, 5);
        double[] a = new double[8];
        for (int k = 0; k < a.length; k++) {
            a[k] = rng.nextDouble(0.05, 0.95);
        }
        Tensor att = be.upload(a, 2, 4);
        Tensor r = GradCheck.random(be, rng, 1, 2, 5);
        DoubleSupplier loss = () -> GradCheck.project(be, augru.forward(x, att), r);
        loss.getAsDouble();
        AuGru.Grads g = augru.backward(r);
        params(new GradCheck(be, loss), f, rng).all("x", x, g.dX()).all("a", att, g.dA()).verify("auGru " + form);
    }

    @Test
    void auGruCodeForm() {
        auGru(AugruForm.CODE, 19);
    }

    @Test
    void auGruPaperForm() {
        auGru(AugruForm.PAPER, 20);
    }

    @Test
    void dienBlock() {
        long seed = GradCheck.seed("dienBlock", 21);
        SplittableRandom rng = new SplittableRandom(seed);
        ParameterFactory f = new ParameterFactory(be, seed);
        DienBlock block = new DienBlock(f, "dien", 4, 6, AugruForm.CODE);
        Tensor target = GradCheck.random(be, rng, 1, 2, 4);
        Tensor shortHistory = GradCheck.random(be, rng, 1, 2, 5, 4);
        Tensor m = mask(new double[] {0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, 2, 5);
        Tensor r1 = GradCheck.random(be, rng, 1, 2, 6);
        Tensor r2 = GradCheck.random(be, rng, 1, 2, 5, 6);
        DoubleSupplier loss = () -> {
            DienBlock.Output o = block.forward(target, shortHistory, m);
            return GradCheck.project(be, o.interest(), r1) + GradCheck.project(be, o.states(), r2);
        };
        loss.getAsDouble();
        Tensor dTarget = Tensors.zeros(be, 2, 4);
        Tensor dShort = Tensors.zeros(be, 2, 5, 4);
        block.backward(r1, r2, dTarget, dShort);
        params(new GradCheck(be, loss), f, rng).all("target", target, dTarget).all("short", shortHistory, dShort)
                .verify("dienBlock");
    }

    @Test
    void auxiliaryLoss() {
        long seed = GradCheck.seed("auxiliaryLoss", 22);
        SplittableRandom rng = new SplittableRandom(seed);
        ParameterFactory f = new ParameterFactory(be, seed);
        AuxiliaryLoss aux = new AuxiliaryLoss(f, "aux_mlp", 6, 4, List.of(5, 3));
        Tensor states = GradCheck.random(be, rng, 1, 2, 5, 6);
        Tensor pos = GradCheck.random(be, rng, 1, 2, 5, 4);
        Tensor neg = GradCheck.random(be, rng, 1, 2, 5, 4);
        Tensor m = mask(new double[] {0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, 2, 5);
        Tensor lossTensor = be.zeros(be.floatType(), 1);
        DoubleSupplier loss = () -> {
            aux.forward(states, pos, neg, m, 1.0, null, lossTensor, 1.0, false);
            return be.toDoubles(lossTensor)[0];
        };
        loss.getAsDouble();
        AuxiliaryLoss.Grads g = aux.backward();
        params(new GradCheck(be, loss), f, rng).all("states", states, g.dStates()).all("pos", pos, g.dPositive())
                .all("neg", neg, g.dNegative()).verify("auxiliaryLoss");
    }
}
